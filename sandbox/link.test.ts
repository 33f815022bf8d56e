import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { Link } from "./link.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A body of `bytes` through the link, counting what has come out so far. */
function body(link: Link, bytes: number) {
  const out = link.throttle(Readable.from([Buffer.alloc(bytes, 1)]));
  const seen = { bytes: 0, ended: false };
  out.on("data", (chunk: Buffer) => (seen.bytes += chunk.length));
  out.on("end", () => (seen.ended = true));
  return seen;
}

describe("a link of limited bandwidth", () => {
  test("bodies share one budget: together they go no faster than the rate, each gets its share", async () => {
    const link = new Link(() => Date.now());
    link.setRate(100_000);
    const bodies = [body(link, 100_000), body(link, 100_000), body(link, 100_000)];
    await vi.advanceTimersByTimeAsync(1000);
    const total = bodies.reduce((sum, b) => sum + b.bytes, 0);
    // One second's worth, give or take the first pieces and the short burst an idle link saves.
    expect(total).toBeGreaterThanOrEqual(80_000);
    expect(total).toBeLessThanOrEqual(140_000);
    for (const b of bodies) {
      expect(b.bytes).toBeGreaterThan(total / 6);
      expect(b.ended).toBe(false);
    }
    await vi.advanceTimersByTimeAsync(2100);
    expect(bodies.every((b) => b.ended && b.bytes === 100_000)).toBe(true);
  });

  test("a body on its way follows a new rate, and a lifted cap lets it go at once", async () => {
    const link = new Link(() => Date.now());
    link.setRate(10_000);
    const slow = body(link, 1_000_000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(slow.bytes).toBeLessThanOrEqual(40_000);
    link.setRate(1_000_000);
    await vi.advanceTimersByTimeAsync(500);
    expect(slow.bytes).toBeGreaterThan(400_000);
    expect(slow.ended).toBe(false);
    link.setRate(undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(slow.ended).toBe(true);
    expect(slow.bytes).toBe(1_000_000);
  });

  test("without a rate nothing waits", async () => {
    const link = new Link(() => Date.now());
    const fast = body(link, 500_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(fast).toEqual({ bytes: 500_000, ended: true });
  });
});
