import { describe, expect, test } from "vitest";
import { CloudError } from "../errors.ts";
import { backoffDelay, parseRetryAfter, retryPolicy, withRetry } from "./retry.ts";

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

test("Retry-After reads seconds and HTTP dates", () => {
  expect(parseRetryAfter("120", 1_000)).toBe(121_000);
  expect(parseRetryAfter("Wed, 23 Jan 2013 06:43:08 GMT", 0)).toBe(Date.UTC(2013, 0, 23, 6, 43, 8));
  expect(parseRetryAfter("soon", 0)).toBeUndefined();
  expect(parseRetryAfter(null, 0)).toBeUndefined();
});
