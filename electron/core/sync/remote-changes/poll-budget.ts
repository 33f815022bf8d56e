/**
 * Which cloud folders of a pair to list, and when, so the pair notices cloud changes soon while
 * spending a read budget it chose on purpose: a set share of the account's daily read quota, which
 * the services count per UTC day. A folder that changed recently is listed often; each listing that
 * finds nothing new doubles its interval, up to a ceiling; a change (or a hint that something inside
 * changed) brings it back to the floor. The budget refills evenly over the day (so a busy morning does
 * not leave the evening blind) and never exceeds its daily total; "check now" lists everything at
 * once and its reads count against the day like any other.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface PollBudgetOptions {
  /** The account's read quota per UTC day (calls). */
  dailyQuota: number;
  /** The part of it polling may spend, from 0 to 1. */
  share: number;
  /** A folder that just changed is listed again after this long. */
  minIntervalMs: number;
  /** A folder where nothing happens is still listed this often, when the budget allows. */
  maxIntervalMs: number;
  /** Reads that may be spent at once after a quiet spell; default an hour's worth of the budget. */
  burst?: number;
}

export interface FolderPollView {
  folderId: string;
  intervalMs: number;
  nextAt: number;
  lastListedAt: number | null;
  lastChangedAt: number | null;
}

export interface PollBudgetView {
  /** Reads polling may spend today. */
  budget: number;
  /** Reads spent since the UTC day began (listings asked for by "check now" included). */
  spentToday: number;
  /** Reads available right now. */
  available: number;
  folders: FolderPollView[];
}

export interface PollScheduler {
  /** Starts watching a folder; a new one is due at once. */
  track(folderId: string, now: number): void;
  untrack(folderId: string): void;
  /** Something says the folder changed (a listing of its parent saw its stamp move): due at once. */
  touch(folderId: string, now: number): void;
  /**
   * The folders to list now, most overdue first, as many as the reads available pay for (each costs
   * what its last listing took). An empty answer with `nextCheckAt` tells when to ask again.
   */
  due(now: number): string[];
  /** Every folder, whatever the budget: the user asked to check now. */
  checkNow(): string[];
  /** A listing finished: its reads are spent, and whether it found a change sets the next interval. */
  listed(folderId: string, now: number, result: { changed: boolean; reads: number }): void;
  /** When `due` may next answer something (undefined: no folder is tracked). */
  nextCheckAt(now: number): number | undefined;
  view(now: number): PollBudgetView;
}

interface FolderState {
  intervalMs: number;
  nextAt: number;
  cost: number;
  lastListedAt: number | null;
  lastChangedAt: number | null;
}

const utcDay = (time: number): number => Math.floor(time / DAY_MS);

export function createPollScheduler(options: PollBudgetOptions): PollScheduler {
  if (!(options.share >= 0 && options.share <= 1))
    throw new RangeError("The poll share must be from 0 to 1.");
  if (!(options.minIntervalMs > 0 && options.maxIntervalMs >= options.minIntervalMs)) {
    throw new RangeError("The poll intervals must be positive, the ceiling at least the floor.");
  }
  const budget = Math.floor(options.dailyQuota * options.share);
  const burst = Math.max(1, options.burst ?? Math.ceil(budget / 24));
  const perMs = budget / DAY_MS;
  const folders = new Map<string, FolderState>();
  // The bucket as of the last spend; read at any time through `bucketAt`, which never changes it.
  let day: number | null = null;
  let spentToday = 0;
  let tokens = 0;
  let refilledAt = 0;

  const bucketAt = (time: number): { tokens: number; spent: number } =>
    day === null || utcDay(time) !== day
      ? { tokens: Math.min(burst, budget), spent: 0 }
      : { tokens: Math.min(burst, tokens + Math.max(0, time - refilledAt) * perMs), spent: spentToday };
  /** What polling may spend at `time`: the bucket, and never past the day's total. */
  const availableAt = (time: number): number => {
    const bucket = bucketAt(time);
    return Math.max(0, Math.min(bucket.tokens, budget - bucket.spent));
  };
  /** A listing that costs more than the bucket holds still goes once the bucket is full. */
  const affordable = (cost: number, left: number, time: number): boolean =>
    cost <= left || (left >= Math.min(burst, budget) && budget - bucketAt(time).spent >= cost);

  return {
    track(folderId, now) {
      if (folders.has(folderId)) return;
      folders.set(folderId, {
        intervalMs: options.minIntervalMs,
        nextAt: now,
        cost: 1,
        lastListedAt: null,
        lastChangedAt: null,
      });
    },
    untrack(folderId) {
      folders.delete(folderId);
    },
    touch(folderId, now) {
      const folder = folders.get(folderId);
      if (!folder) return this.track(folderId, now);
      folder.intervalMs = options.minIntervalMs;
      folder.nextAt = Math.min(folder.nextAt, now);
    },
    due(now) {
      let left = availableAt(now);
      const overdue = [...folders.entries()]
        .filter(([, f]) => f.nextAt <= now)
        // Most overdue for its own interval first, so a cold folder still gets its turn.
        .sort(([, a], [, b]) => (now - b.nextAt) / b.intervalMs - (now - a.nextAt) / a.intervalMs);
      const chosen: string[] = [];
      for (const [id, folder] of overdue) {
        if (!affordable(folder.cost, left, now)) break;
        left -= folder.cost;
        chosen.push(id);
      }
      return chosen;
    },
    checkNow() {
      return [...folders.keys()];
    },
    listed(folderId, now, result) {
      const bucket = bucketAt(now);
      day = utcDay(now);
      tokens = bucket.tokens - result.reads;
      spentToday = bucket.spent + result.reads;
      refilledAt = now;
      const folder = folders.get(folderId);
      if (!folder) return;
      folder.cost = Math.max(1, result.reads);
      folder.lastListedAt = now;
      if (result.changed) {
        folder.lastChangedAt = now;
        folder.intervalMs = options.minIntervalMs;
      } else {
        folder.intervalMs = Math.min(options.maxIntervalMs, folder.intervalMs * 2);
      }
      folder.nextAt = now + folder.intervalMs;
    },
    nextCheckAt(now) {
      if (folders.size === 0) return undefined;
      let earliest = Infinity;
      let cheapest = Infinity;
      for (const folder of folders.values()) {
        earliest = Math.min(earliest, folder.nextAt);
        cheapest = Math.min(cheapest, folder.cost);
      }
      const at = Math.max(now, earliest);
      if (affordable(cheapest, availableAt(at), at)) return at;
      const nextDay = (utcDay(at) + 1) * DAY_MS;
      const bucket = bucketAt(at);
      if (budget - bucket.spent < cheapest || perMs === 0) return nextDay;
      const need = Math.min(cheapest, burst) - bucket.tokens;
      return Math.min(nextDay, at + Math.ceil(need / perMs));
    },
    view(now) {
      const have = availableAt(now);
      return {
        budget,
        spentToday: bucketAt(now).spent,
        available: Math.floor(have),
        folders: [...folders.entries()].map(([folderId, f]) => ({
          folderId,
          intervalMs: f.intervalMs,
          nextAt: f.nextAt,
          lastListedAt: f.lastListedAt,
          lastChangedAt: f.lastChangedAt,
        })),
      };
    },
  };
}
