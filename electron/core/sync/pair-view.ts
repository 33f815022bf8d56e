/** What the UI sees of a pair: its state, the text that explains it, and the files in trouble. */
import type { PairView } from "../../../shared/model.ts";
import type { EngineContext } from "./engine-context.ts";
import type { PairRuntime } from "./pair-runtime.ts";
import { say, told, type Words } from "../words.ts";

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
  let state: PairView["state"];
  let message: Words;
  if (record.paused) [state, message] = ["paused", say("core.pair.paused")];
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
  else if (issues.length > 0)
    [state, message] = ["idle", say("core.pair.inSyncExcept", { n: issues.length })];
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

export function pairViews(ctx: EngineContext): PairView[] {
  return [...ctx.runtimes.values()].map((rt) => viewOf(ctx, rt));
}
