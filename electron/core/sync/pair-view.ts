/** What the UI sees of a pair: its state, the text that explains it, and the files in trouble. */
import type { PairView } from "../../../shared/model.ts";
import { troubleText } from "../journal/unavailable.ts";
import type { EngineContext } from "./engine-context.ts";
import { failureOf } from "./failed-paths.ts";
import type { PairRuntime } from "./pair-runtime.ts";
import { say, told, type Words } from "../words.ts";

export function viewOf(ctx: EngineContext, rt: PairRuntime): PairView {
  const { record } = rt;
  const resetsAt = ctx.quota.blockedUntil(record.accountId);
  const failures = ctx.journal.failures(record.id);
  const issues = [
    ...failures.map((f) => ({
      ...failureOf(f.path, f.reason),
      ...(f.nextRetryAt ? { nextRetryAt: f.nextRetryAt } : {}),
    })),
    ...rt.scanIssues
      .filter((i) => !failures.some((f) => f.path === i.path))
      .map((i) => failureOf(i.path, i.reason)),
  ];
  const toSend = waitingToSend(ctx, rt, failures);
  let state: PairView["state"];
  let message: Words;
  if (record.paused) [state, message] = ["paused", say("core.pair.paused")];
  else if (ctx.journalState.trouble)
    [state, message] = ["waiting-journal", troubleText(ctx.journalState.trouble)];
  else if (resetsAt !== undefined) {
    state = "waiting-quota";
    message = say("core.pair.waitingQuota", { time: new Date(resetsAt).toISOString() });
  } else if (rt.heldDeletes > 0) {
    state = "needs-confirmation";
    message = say("core.pair.heldDeletes", { n: rt.heldDeletes });
  } else if (rt.error) [state, message] = ["error", rt.error];
  else if (rt.phase === "scanning") [state, message] = ["scanning", say("core.pair.scanning")];
  else if (rt.phase === "syncing")
    [state, message] = ["syncing", say("core.pair.syncing", { n: rt.pendingFiles })];
  else if (rt.degraded) [state, message] = ["degraded", say("core.pair.degraded", { reason: rt.degraded })];
  else if (issues.length > 0) {
    state = "failed";
    message =
      toSend > 0
        ? say("core.pair.failedToSend", { n: issues.length, toSend })
        : say("core.pair.failed", { n: issues.length });
  } else if (toSend > 0) [state, message] = ["pending", say("core.pair.toSend", { n: toSend })];
  // In sync only when the journal has nothing left to send and nothing failed.
  else [state, message] = ["idle", say("core.pair.inSync")];
  return {
    id: record.id,
    accountId: record.accountId,
    localPath: record.localPath,
    remotePath: record.remotePath,
    deletePolicy: record.deletePolicy,
    state,
    ...told("message", message),
    pendingFiles: rt.pendingFiles,
    toSend,
    ...(resetsAt !== undefined ? { quotaResetsAt: resetsAt } : {}),
    pendingDeletes: rt.heldDeletes,
    issues,
    ...(record.scriptRule
      ? {
          script: {
            extensions: [...record.scriptRule.extensions],
            ...(record.scriptRule.name ? { name: record.scriptRule.name } : {}),
          },
        }
      : {}),
  };
}

/** Files without a cloud copy that have not failed, and changes noticed but not yet looked at. */
function waitingToSend(ctx: EngineContext, rt: PairRuntime, failures: { path: string }[]): number {
  const { journal } = ctx;
  const pairId = rt.record.id;
  const failedUnsent = failures.filter((f) => journal.file(pairId, f.path)?.remoteId === null).length;
  const noticed = rt.hints.size + (rt.next && !rt.next.full ? rt.next.paths.size : 0);
  return Math.max(0, journal.unsyncedCount(pairId) - failedUnsent) + noticed;
}

export function pairViews(ctx: EngineContext): PairView[] {
  return [...ctx.runtimes.values()].map((rt) => viewOf(ctx, rt));
}
