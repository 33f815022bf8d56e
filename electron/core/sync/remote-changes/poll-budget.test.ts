import { expect, test } from "vitest";
import { DAY_MS, createPollScheduler, type PollBudgetOptions, type PollScheduler } from "./poll-budget.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A UTC midnight, so a test's day is the services' quota day. */
const DAY_START = Date.UTC(2026, 0, 5);

const options: PollBudgetOptions = {
  dailyQuota: 10_000,
  share: 0.1,
  minIntervalMs: MINUTE,
  maxIntervalMs: 6 * HOUR,
};

/** Lists whatever is due, as the caller would, from `from` until `until`; answers the reads spent. */
function run(
  scheduler: PollScheduler,
  from: number,
  until: number,
  changed: (folderId: string, now: number) => boolean,
): { reads: number; listings: Map<string, number[]> } {
  let now = from;
  let reads = 0;
  const listings = new Map<string, number[]>();
  for (;;) {
    for (const id of scheduler.due(now)) {
      scheduler.listed(id, now, { changed: changed(id, now), reads: 1 });
      reads += 1;
      listings.set(id, [...(listings.get(id) ?? []), now]);
    }
    const next = scheduler.nextCheckAt(now);
    if (next === undefined || next >= until) return { reads, listings };
    now = Math.max(next, now + 1);
  }
}

test("a new folder is listed at once; each quiet listing doubles its interval up to the ceiling", () => {
  const s = createPollScheduler(options);
  s.track("a", DAY_START);
  expect(s.due(DAY_START)).toEqual(["a"]);
  const intervals: number[] = [];
  let now = DAY_START;
  for (let i = 0; i < 12; i++) {
    s.listed("a", now, { changed: false, reads: 1 });
    const next = s.nextCheckAt(now)!;
    intervals.push(next - now);
    expect(s.due(next - 1)).toEqual([]);
    expect(s.due(next)).toEqual(["a"]);
    now = next;
  }
  expect(intervals.slice(0, 4)).toEqual([2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE]);
  expect(intervals.at(-1)).toBe(6 * HOUR);
});

test("a change, or a hint that something inside changed, brings a folder back to the floor", () => {
  const s = createPollScheduler(options);
  s.track("a", DAY_START);
  let now = DAY_START;
  for (let i = 0; i < 6; i++) {
    s.listed("a", now, { changed: false, reads: 1 });
    now = s.nextCheckAt(now)!;
  }
  s.listed("a", now, { changed: true, reads: 1 });
  expect(s.nextCheckAt(now)).toBe(now + MINUTE);
  for (let i = 0; i < 6; i++) {
    s.listed("a", now, { changed: false, reads: 1 });
    now = s.nextCheckAt(now)!;
  }
  const later = now - 5 * MINUTE;
  s.touch("a", later);
  expect(s.due(later)).toEqual(["a"]);
  expect(s.view(later).folders[0]).toMatchObject({ intervalMs: MINUTE, lastChangedAt: expect.any(Number) });
});

test("a busy pair never spends more than its share of the day's quota, and spreads it over the day", () => {
  const s = createPollScheduler(options);
  for (let i = 0; i < 40; i++) s.track(`f${i}`, DAY_START);
  // Every listing finds a change: left alone, every folder would be listed every minute.
  const morning = run(s, DAY_START, DAY_START + 12 * HOUR, () => true);
  const day = run(s, DAY_START + 12 * HOUR, DAY_START + DAY_MS, () => true);
  const budget = options.dailyQuota * options.share;
  expect(s.view(DAY_START + DAY_MS - 1).spentToday).toBe(morning.reads + day.reads);
  expect(morning.reads + day.reads).toBeLessThanOrEqual(budget);
  expect(morning.reads + day.reads).toBeGreaterThanOrEqual(budget * 0.95);
  expect(morning.reads).toBeLessThanOrEqual(budget / 2 + Math.ceil(budget / 24));
  // Each folder got its turn, none starved.
  for (let i = 0; i < 40; i++) expect(morning.listings.get(`f${i}`)?.length).toBeGreaterThan(5);
});

test("quiet folders spend far less than the budget, and a hot one is looked at more often", () => {
  const roomy = { ...options, dailyQuota: 100_000 };
  const s = createPollScheduler(roomy);
  for (const id of ["hot", "cold1", "cold2"]) s.track(id, DAY_START);
  const result = run(s, DAY_START, DAY_START + DAY_MS, (id) => id === "hot");
  // The hot folder is listed every minute; the quiet ones back off to every six hours.
  expect(result.listings.get("hot")!.length).toBe(24 * 60);
  expect(result.listings.get("cold1")!.length).toBeLessThan(20);
  expect(result.reads).toBeLessThan(0.2 * roomy.dailyQuota * roomy.share);
  // The ceiling holds: a quiet folder is still looked at every six hours.
  const cold = result.listings.get("cold1")!;
  for (let i = 1; i < cold.length; i++) expect(cold[i]! - cold[i - 1]!).toBeLessThanOrEqual(6 * HOUR);
});

test("check now lists every folder even with the budget spent; its reads count, and a new UTC day refills", () => {
  const s = createPollScheduler({ ...options, dailyQuota: 100, share: 0.1 });
  for (const id of ["a", "b", "c", "d", "e"]) s.track(id, DAY_START);
  const first = s.due(DAY_START);
  expect(first.length).toBe(1);
  for (const id of first) s.listed(id, DAY_START, { changed: true, reads: 1 });
  const all = s.checkNow();
  expect(all.sort()).toEqual(["a", "b", "c", "d", "e"]);
  const t = DAY_START + HOUR;
  for (const id of all) s.listed(id, t, { changed: false, reads: 2 });
  expect(s.view(t)).toMatchObject({ budget: 10, spentToday: 11, available: 0 });
  const later = DAY_START + 23 * HOUR;
  expect(s.due(later)).toEqual([]);
  expect(s.nextCheckAt(later)).toBe(DAY_START + DAY_MS);
  expect(s.view(DAY_START + DAY_MS)).toMatchObject({ spentToday: 0, available: 1 });
  // Each folder's last listing took two reads, more than the bucket's one: a full bucket pays for one.
  expect(s.due(DAY_START + DAY_MS).length).toBe(1);
});

test("a folder whose listing takes more pages than the bucket holds still goes once the bucket is full", () => {
  const s = createPollScheduler({ ...options, burst: 3 });
  s.track("big", DAY_START);
  s.listed("big", DAY_START, { changed: true, reads: 5 });
  const next = s.nextCheckAt(DAY_START)!;
  expect(next).toBeGreaterThan(DAY_START + MINUTE);
  expect(s.due(next)).toEqual(["big"]);
});

test("a share outside 0 to 1 or a ceiling below the floor is refused", () => {
  expect(() => createPollScheduler({ ...options, share: 1.5 })).toThrow(/share/);
  expect(() => createPollScheduler({ ...options, maxIntervalMs: 1 })).toThrow(/ceiling/);
});
