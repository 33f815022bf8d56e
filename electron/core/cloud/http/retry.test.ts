import { describe, expect, test } from "vitest";
import { CloudError } from "../errors.ts";
import { backoffDelay, MIN_SERVER_WAIT_MS, parseRetryAfter, retryPolicy, withRetry } from "./retry.ts";

function recordingPolicy(random = 0.5, now = 1_000_000) {
  const waits: number[] = [];
  const policy = retryPolicy({
    attempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxServerWaitMs: 10_000,
    random: () => random,
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => now,
  });
  return { policy, waits };
}

describe("withRetry", () => {
  test("retries transient faults with full-jitter exponential backoff, then succeeds", async () => {
    const { policy, waits } = recordingPolicy(0.5);
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 4) throw new CloudError("transient", "reset");
      return "ok";
    }, policy);
    expect(result).toBe("ok");
    expect(waits).toEqual([50, 100, 200]);
  });

  test("gives up after the bounded number of attempts with the last error", async () => {
    const { policy } = recordingPolicy();
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new CloudError("transient", `fault ${calls}`);
      }, policy),
    ).rejects.toThrow("fault 4");
    expect(calls).toBe(4);
  });

  test("does not retry errors the caller must act on", async () => {
    const { policy } = recordingPolicy();
    for (const kind of ["credentials", "quota", "conflict", "invalid", "protocol"] as const) {
      let calls = 0;
      await expect(
        withRetry(async () => {
          calls++;
          throw new CloudError(kind, kind);
        }, policy),
      ).rejects.toMatchObject({ kind });
      expect(calls).toBe(1);
    }
  });

  test("waits at least as long as the server asked", async () => {
    const { policy, waits } = recordingPolicy(0, 1_000_000);
    let calls = 0;
    await withRetry(async () => {
      if (calls++ === 0) throw new CloudError("transient", "busy", { retryAt: 1_003_000 });
      return "ok";
    }, policy);
    expect(waits).toEqual([3_000]);
  });

  test("hands back a server wait longer than it is willing to sleep", async () => {
    const { policy, waits } = recordingPolicy(0, 0);
    const error = new CloudError("transient", "come back tomorrow", { retryAt: 3_600_000 });
    await expect(withRetry(() => Promise.reject(error), policy)).rejects.toBe(error);
    expect(waits).toEqual([]);
  });

  test("the jitter stays below the capped exponential ceiling", () => {
    const { policy } = recordingPolicy(0.999);
    expect(backoffDelay(1, policy)).toBe(99);
    expect(backoffDelay(3, policy)).toBe(399);
    expect(backoffDelay(10, policy)).toBe(999);
  });

  test("an aborted signal stops the retries as cancelled", async () => {
    const controller = new AbortController();
    const policy = retryPolicy({ attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 });
    const running = withRetry(
      () => Promise.reject(new CloudError("transient", "reset")),
      policy,
      controller.signal,
    );
    setImmediate(() => controller.abort());
    await expect(running).rejects.toMatchObject({ kind: "cancelled" });
  });
});

describe("Retry-After", () => {
  const answer = (headers: Record<string, string>) => new Headers(headers);
  const now = Date.UTC(2025, 5, 1, 12, 0, 0);
  const http = (ms: number) => new Date(ms).toUTCString();

  test("reads seconds, and HTTP dates against the answer's own Date", () => {
    expect(parseRetryAfter(answer({ "retry-after": "120" }), now)).toBe(now + 120_000);
    // The server's clock is two minutes behind ours: its date 30 s ahead of its own clock means 30 s.
    const served = now - 120_000;
    expect(parseRetryAfter(answer({ date: http(served), "retry-after": http(served + 30_000) }), now)).toBe(
      now + 30_000,
    );
    // Without a Date, our own clock is all there is.
    expect(parseRetryAfter(answer({ "retry-after": http(now + 45_000) }), now)).toBe(now + 45_000);
    expect(parseRetryAfter(answer({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(answer({}), now)).toBeUndefined();
  });

  test("never asks for less than a second, whatever it says", () => {
    expect(parseRetryAfter(answer({ "retry-after": "0" }), now)).toBe(now + MIN_SERVER_WAIT_MS);
    expect(parseRetryAfter(answer({ "retry-after": http(now - 120_000) }), now)).toBe(
      now + MIN_SERVER_WAIT_MS,
    );
    const served = now + 60_000;
    expect(parseRetryAfter(answer({ date: http(served), "retry-after": http(served - 5_000) }), now)).toBe(
      now + MIN_SERVER_WAIT_MS,
    );
  });

  test("a retried fault whose server clock runs behind still waits what the server asked", async () => {
    const waits: number[] = [];
    const policy = retryPolicy({
      attempts: 3,
      random: () => 0,
      now: () => now,
      sleep: async (ms) => void waits.push(ms),
    });
    const served = now - 120_000;
    const retryAt = parseRetryAfter(
      answer({ date: http(served), "retry-after": http(served + 10_000) }),
      now,
    );
    let calls = 0;
    await withRetry(async () => {
      if (++calls < 3) throw new CloudError("transient", "busy", { ...(retryAt ? { retryAt } : {}) });
      return "done";
    }, policy);
    expect(waits).toEqual([10_000, 10_000]);
  });
});
