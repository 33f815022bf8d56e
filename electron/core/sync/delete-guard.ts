/**
 * The guard against mass deletes: a mirror pair that would delete many cloud copies in one pass
 * holds them until the user confirms (or drops them, forgetting the files instead).
 */
import type { EngineContext } from "./engine-context.ts";
import { say } from "../words.ts";
import { forgetFile, forgetFolder, type PairRuntime, type PassJob } from "./pair-runtime.ts";
import type { Plan } from "./plan.ts";

/** Deletes in one pass above which a mirror pair waits for confirmation. */
export const massDelete = { files: 50, share: 0.3, minimumForShare: 5 };

/** How many items the plan deletes, and whether this pass may delete them. */
export function guardDeletes(
  ctx: EngineContext,
  rt: PairRuntime,
  plan: Plan,
  job: PassJob,
): { deleteCount: number; doDeletes: boolean } {
  const { journal } = ctx;
  const { record } = rt;
  const deleteCount =
    plan.deletes.length + plan.deletedFolders.reduce((n, f) => n + Math.max(1, f.files.length), 0);
  let doDeletes = record.deletePolicy === "keep" || deleteCount === 0;
  if (!doDeletes) {
    const allowed = job.allowMassDelete || rt.allowMassDeleteOnce;
    const mass =
      deleteCount > massDelete.files ||
      (deleteCount > massDelete.minimumForShare &&
        deleteCount > massDelete.share * journal.fileCount(record.id));
    if (rt.dropHeldDeletes) {
      journal.transaction(() => {
        for (const r of plan.deletes) forgetFile(ctx, rt, r.path);
        for (const f of plan.deletedFolders) forgetFolder(ctx, rt, f.path);
      });
      rt.dropHeldDeletes = false;
      rt.heldDeletes = 0;
    } else if (mass && !allowed) {
      if (rt.heldDeletes !== deleteCount) {
        ctx.log("warn", say("core.activity.deletesHeld", { n: deleteCount }), record);
      }
      rt.heldDeletes = deleteCount;
    } else doDeletes = true;
  }
  if (doDeletes) rt.heldDeletes = 0;
  return { deleteCount, doDeletes };
}
