/**
 * A drop: local files and folders uploaded into a cloud folder, one upload job per file, through
 * the engine's queue. Folders are recreated in the cloud (existing ones reused); a file whose name
 * is taken follows the upload's one rule (same content adopted, else a new version). Unfinished
 * drops resume after a restart.
 */
import { lstatSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { ipcFailure } from "../ipc-error.ts";
import type { JobType } from "../tasks/runner.ts";
import type { EngineContext } from "./engine-context.ts";
import { junkMatcher } from "./ignore-rules.ts";
import { callCloud, ensureFolder } from "./remote.ts";
import type { UploadOrigin } from "./upload-job.ts";

export async function startDrop(
  ctx: EngineContext,
  uploads: JobType<UploadOrigin>,
  input: { accountId: string; folderId: string; paths: string[] },
): Promise<{ taskIds: string[] }> {
  const provider = ctx.deps.providerFor(input.accountId);
  const junk = junkMatcher();
  const files: UploadOrigin[] = [];
  const walk = async (localPath: string, parentId: string, relative: string): Promise<void> => {
    const stats = lstatSync(localPath);
    if (stats.isSymbolicLink()) return;
    const name = basename(localPath);
    if (stats.isDirectory()) {
      if (junk(relative, true)) return;
      const folder = await callCloud(input.accountId, ctx.policy, () =>
        ensureFolder(provider, parentId, name),
      );
      for (const child of readdirSync(localPath)) {
        await walk(join(localPath, child), folder.id, `${relative}/${child}`);
      }
    } else if (stats.isFile() && !junk(relative, false)) {
      files.push({ from: "drop", accountId: input.accountId, localPath, parentId, name });
    }
  };
  for (const path of input.paths) {
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (!stats) throw ipcFailure("not-found", `${path} does not exist.`);
  }
  for (const path of input.paths) await walk(path, input.folderId, basename(path));
  const taskIds = files.map((file) =>
    uploads.start(
      {
        title: `Upload ${file.from === "drop" ? file.name : file.path}`,
        accountId: input.accountId,
        cancellable: true,
      },
      file,
    ),
  );
  return { taskIds };
}
