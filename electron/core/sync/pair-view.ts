/** What the UI sees of a pair: its state, the text that explains it, and the files in trouble. */
import type { PairView } from "../../../shared/model.ts";
import { troubleText } from "../journal/unavailable.ts";
import type { EngineContext } from "./engine-context.ts";
import type { PairRuntime } from "./pair-runtime.ts";

export function viewOf(ctx: EngineContext, rt: PairRuntime): PairView {
  const { record } = rt;
  const resetsAt = ctx.quota.blockedUntil(record.accountId);
  const failures = ctx.journal.failures(record.id);
  const issues = [
    ...failures.map((f) => ({
      path: f.path,
      reason: f.reason,
      ...(f.nextRetryAt ? { nextRetryAt: f.nextRetryAt } : {}),
    })),
    ...rt.scanIssues.filter((i) => !failures.some((f) => f.path === i.path)),
  ];
  const toSend = waitingToSend(ctx, rt, failures);
  let state: PairView["state"];
  let message: string;
  if (record.paused) [state, message] = ["paused", "paused"];
  else if (ctx.journalState.trouble)
    [state, message] = ["waiting-journal", troubleText(ctx.journalState.trouble)];
  else if (resetsAt !== undefined) {
    state = "waiting-quota";
    message = `waiting for the daily quota to reset at ${new Date(resetsAt).toISOString()}`;
  } else if (rt.heldDeletes > 0) {
    state = "needs-confirmation";
    message = `${rt.heldDeletes} deletions wait for confirmation`;
  } else if (rt.error) [state, message] = ["error", rt.error];
  else if (rt.phase === "scanning") [state, message] = ["scanning", "scanning"];
  else if (rt.phase === "syncing") [state, message] = ["syncing", `syncing ${rt.pendingFiles} files`];
  else if (rt.degraded) [state, message] = ["degraded", `degraded: ${rt.degraded}; rescanning periodically`];
  else if (issues.length > 0) {
    state = "failed";
    message = [`${issues.length} failed`, ...(toSend > 0 ? [`${toSend} to send`] : [])].join(", ");
  } else if (toSend > 0) [state, message] = ["pending", `${toSend} to send`];
  // In sync only when the journal has nothing left to send and nothing failed.
  else [state, message] = ["idle", "in sync"];
  return {
    id: record.id,
    accountId: record.accountId,
    localPath: record.localPath,
    remotePath: record.remotePath,
    deletePolicy: record.deletePolicy,
    state,
    message,
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
