/** A pass's deletes: a mirror pair deletes the cloud copies; every pair forgets the files. */
import { isCloudError } from "../cloud/errors.ts";
import { errorText, type EngineContext, type StepContext } from "./engine-context.ts";
import { forgetFile, forgetFolder, markLanded, type PairRuntime } from "./pair-runtime.ts";
import type { Plan } from "./plan.ts";

export async function runDeletes(
  ctx: EngineContext,
  rt: PairRuntime,
  plan: Plan,
  pass: StepContext,
): Promise<void> {
  const { journal } = ctx;
  const mirror = rt.record.deletePolicy === "mirror";
  const destroy = async (id: string): Promise<void> => {
    try {
      await pass.call(() => pass.provider.destroy(id, pass.signal));
    } catch (error) {
      if (!isCloudError(error, "not-found")) throw error;
    }
  };
  for (const folder of plan.deletedFolders) {
    const id = rt.folders!.get(folder.path);
    try {
      if (mirror) {
        if (id) await destroy(id);
        else for (const f of folder.files) if (f.remoteId) await destroy(f.remoteId);
        pass.summary.deleted += folder.files.length;
        markLanded(rt, folder.path);
      }
      journal.transaction(() => forgetFolder(ctx, rt, folder.path));
    } catch (error) {
      if (pass.signal.aborted) throw error;
      pass.fail(folder.path, `the cloud delete failed: ${errorText(error)}`);
    }
    if (mirror) pass.step();
  }
  for (const record of plan.deletes) {
    try {
      if (mirror && record.remoteId) {
        await destroy(record.remoteId);
        pass.summary.deleted += 1;
        markLanded(rt, record.path);
      }
      journal.transaction(() => forgetFile(ctx, rt, record.path));
    } catch (error) {
      if (pass.signal.aborted) throw error;
      pass.fail(record.path, `the cloud delete failed: ${errorText(error)}`);
    }
    if (mirror) pass.step();
  }
}
