import { describe, expect, test } from "vitest";
import { CloudError } from "../errors.ts";
import { createAdaptiveLimit, type AdaptiveLimit } from "./adaptive-limit.ts";
import { retryPolicy, withRetry } from "./retry.ts";

/**
 * A service answered one round trip at a time: `roundTrip()` answers every request sent so far.
 * Beyond `capacity` requests in one round trip it answers 503 to the extra ones (first, as an
 * overloaded server refuses fast).
 */
function fakeService(capacity = Infinity) {
  let pending: { ok: () => void; busy: (error: CloudError) => void }[] = [];
  const inFlight: number[] = [];
  return {
    call: () => new Promise<void>((ok, busy) => pending.push({ ok, busy })),
    /** The requests in flight at each round trip. */
    inFlight,
    async roundTrip() {
      const batch = pending;
      pending = [];
      inFlight.push(batch.length);
      const refused = batch.slice(capacity);
      for (const request of refused) request.busy(new CloudError("transient", "HTTP 503"));
      for (const request of batch.slice(0, capacity)) request.ok();
      // Let the answered work end and the next requests go.
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Sends `count` files through `limit`; a refused one is sent again. */
function sendAll(limit: AdaptiveLimit, count: number, call: () => Promise<void>) {
  let done = 0;
  const send = (): Promise<void> =>
    limit.run(call).then(
      () => void (done += 1),
      () => send(),
    );
  for (let i = 0; i < count; i++) void send();
  return { done: () => done };
}

describe("adaptive concurrency", () => {
  test("doubles each round trip while every lane is busy and nothing pushes back, up to the maximum", async () => {
    const service = fakeService();
    const limit = createAdaptiveLimit({ initial: 4, max: 48 });
    const sending = sendAll(limit, 300, service.call);
    for (let i = 0; i < 6; i++) await service.roundTrip();
    expect(service.inFlight).toEqual([4, 8, 16, 32, 48, 48]);
    expect(limit.peak).toBe(48);
    expect(sending.done()).toBe(4 + 8 + 16 + 32 + 48 + 48);
  });

  test("halves on pushback, then adds one lane per round trip until the service pushes back again", async () => {
    const service = fakeService(12);
    const limit = createAdaptiveLimit({ initial: 4, max: 64 });
    const sending = sendAll(limit, 400, service.call);
    for (let i = 0; i < 13; i++) await service.roundTrip();
    // Slow start overshoots to 16: cut to 8, then +1 per round trip until 13 overshoots: cut to 6.
    expect(service.inFlight).toEqual([4, 8, 16, 8, 9, 10, 11, 12, 13, 6, 7, 8, 9]);
    expect(sending.done()).toBe(4 + 8 + 12 + 8 + 9 + 10 + 11 + 12 + 12 + 6 + 7 + 8 + 9);
  });

  test("a 503 the request layer retried to success still halves the lanes", async () => {
    let refusals = 1;
    const flaky = async () => {
      if (refusals-- > 0) throw new CloudError("transient", "HTTP 503");
    };
    const policy = retryPolicy({ sleep: async () => {} });
    const limit = createAdaptiveLimit({ initial: 8, max: 64 });
    await limit.run(() => withRetry(flaky, policy));
    expect(limit.limit).toBe(4);
  });

  test("a quota refusal thrown out of the work halves the lanes; nothing goes below the minimum", async () => {
    const limit = createAdaptiveLimit({ initial: 4, max: 64, min: 2 });
    const refuse = () => Promise.reject(new CloudError("quota", "HTTP 429"));
    await expect(limit.run(refuse)).rejects.toThrow("HTTP 429");
    expect(limit.limit).toBe(2);
    await expect(limit.run(refuse)).rejects.toThrow("HTTP 429");
    expect(limit.limit).toBe(2);
  });

  test("a failure that is not the service pushing back changes nothing", async () => {
    const limit = createAdaptiveLimit({ initial: 4, max: 64 });
    await expect(limit.run(() => Promise.reject(new CloudError("conflict", "name taken")))).rejects.toThrow();
    expect(limit.limit).toBe(4);
    expect(limit.running).toBe(0);
  });
});
