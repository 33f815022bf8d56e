import { expect, test } from "vitest";
import type { ServerTaskStatus } from "../cloud/provider.ts";
import { pollPace } from "./poll-pace.ts";

const running = (current: number, total: number): ServerTaskStatus => ({
  state: "running",
  current,
  total,
  failed: [],
});

test("one early answer of a long import sets no wait longer than the import has run", () => {
  let clock = 10_000;
  const pace = pollPace({ startedAt: clock, maxIntervalMs: 10_000, now: () => clock });
  // 800 ms after the start, 1.4 MB of 268 MB fetched: the source connection was still opening.
  clock += 800;
  const first = pace(running(1_400_000, 268_000_000), 250);
  expect(first).toBeLessThanOrEqual(800);
  // The second answer measures its speed (40 MB/s), and the next question comes just after the end.
  clock += first;
  const current = 1_400_000 + 40_000 * first;
  const second = pace(running(current, 268_000_000), first);
  const endsIn = (268_000_000 - current) / 40_000;
  expect(second).toBeGreaterThanOrEqual(endsIn);
  expect(second).toBeLessThanOrEqual(endsIn * 1.1 + 100);
});

test("a task that shows no progress is asked less and less often, up to the longest pause", () => {
  let clock = 0;
  const pace = pollPace({ startedAt: 0, maxIntervalMs: 1_000, now: () => clock });
  const delays: number[] = [];
  let previous = 250;
  for (let n = 0; n < 6; n++) {
    clock += previous;
    previous = pace(running(0, -1), previous);
    delays.push(previous);
  }
  expect(delays).toEqual([400, 640, 1_000, 1_000, 1_000, 1_000]);
});

test("an unknown status word doubles the pause and forgets the measured speed", () => {
  let clock = 0;
  const pace = pollPace({ startedAt: 0, maxIntervalMs: 10_000, now: () => clock });
  clock = 500;
  pace(running(10, 100), 250);
  clock = 1_000;
  expect(pace({ ...running(20, 100), unknownStatus: "queued" }, 500)).toBe(1_000);
  // Back to known words: one answer again, so the next wait is bounded by the time run so far.
  clock = 1_100;
  expect(pace(running(90, 100), 1_000)).toBeLessThanOrEqual(1_100);
});
