/**
 * A path that failed is tried again by the engine with backoff, not only by the next rescan: the
 * first retry within seconds, then doubling, capped at minutes. A change to the path resets it
 * (the change is tried at once and the backoff starts over).
 */
import { backoffDelay } from "../cloud/http/retry.ts";
import type { FailureRecord } from "../journal/index.ts";
import { told, type Words } from "../words.ts";
import { isBelow, type EngineContext } from "./engine-context.ts";
import type { PairRuntime } from "./pair-runtime.ts";
import type { SyncFailure } from "./types.ts";

/** From at most 5 s, doubling, at most 5 minutes. */
export const failedPathBackoff = { baseDelayMs: 5_000, maxDelayMs: 5 * 60_000, random: Math.random };

/** Records that `path` failed and when it is tried next; answers that record. */
export function recordFailure(
  ctx: EngineContext,
  rt: PairRuntime,
  path: string,
  reason: Words,
): FailureRecord {
  const previous = ctx.journal.failures(rt.record.id).find((f) => f.path === path);
  const attempts = (previous?.attempts ?? 0) + 1;
  const failure = {
    path,
    reason,
    attempts,
    nextRetryAt: ctx.now() + backoffDelay(attempts, ctx.deps.failedPathBackoff ?? failedPathBackoff),
  };
  ctx.journal.putFailure(rt.record.id, failure);
  return failure;
}

/** A failure as a summary or a view carries it: the reason's English text, and its phrase. */
export function failureOf(path: string, reason: Words): SyncFailure {
  return { path, ...told("reason", reason) };
}

/** Changes noticed at these paths: what failed there (or below) is due now, with a fresh backoff. */
export function changedSinceFailure(ctx: EngineContext, rt: PairRuntime, paths: Iterable<string>): void {
  const changed = [...paths];
  const failures = ctx.journal.failures(rt.record.id);
  if (failures.length === 0) return;
  const now = ctx.now();
  for (const failure of failures) {
    if (!changed.some((p) => p === "" || p === failure.path || isBelow(failure.path, p))) continue;
    ctx.journal.putFailure(rt.record.id, { ...failure, attempts: 0, nextRetryAt: now });
  }
}

/** Sets the pair's timer for its earliest next try; the paths due then get a pass of their own. */
export function scheduleRetries(ctx: EngineContext, rt: PairRuntime): void {
  cancelRetries(rt);
  if (!ctx.isStarted() || rt.record.paused || rt.removed) return;
  const times = ctx.journal
    .failures(rt.record.id)
    .map((f) => f.nextRetryAt)
    .filter((t): t is number => t !== null);
  if (times.length === 0) return;
  const wait = Math.max(0, Math.min(...times) - ctx.now());
  rt.retryTimer = setTimeout(() => {
    rt.retryTimer = undefined;
    const now = ctx.now();
    const due = ctx.journal
      .failures(rt.record.id)
      .filter((f) => f.nextRetryAt !== null && f.nextRetryAt <= now)
      .map((f) => f.path);
    if (due.length > 0) ctx.requestPass(rt, due).catch(() => {});
    else scheduleRetries(ctx, rt);
  }, wait);
  // The watcher keeps a watching process alive; a retry alone does not.
  rt.retryTimer.unref();
}

export function cancelRetries(rt: PairRuntime): void {
  if (rt.retryTimer) clearTimeout(rt.retryTimer);
  rt.retryTimer = undefined;
}
