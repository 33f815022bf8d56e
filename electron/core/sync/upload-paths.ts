/**
 * A drop: local files and folders uploaded into a cloud folder, one upload task per file, through
 * the engine's queue. Folders are recreated in the cloud (existing ones reused); a file whose name
 * is taken becomes a new version of that file. Unfinished drops resume after a restart.
 */
import { lstatSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { CloudProvider, RemoteEntry, UploadSource } from "../cloud/provider.ts";
import { isCloudError } from "../cloud/errors.ts";
import { ipcFailure } from "../ipc-error.ts";
import type { Journal } from "../journal/index.ts";
import type { TaskHandle, TaskRegistry } from "../tasks/types.ts";
import { isPairFileResume } from "./file-tasks.ts";
import { junkMatcher } from "./ignore-rules.ts";
import { ensureFolder, findChild } from "./remote.ts";
import { uploadSignal } from "./stop-reasons.ts";

export interface DropContext {
  tasks: TaskRegistry;
  journal: Journal;
  now: () => number;
  providerFor(accountId: string): CloudProvider;
  /** A cloud call with the engine's retry and quota policy. */
  call<T>(accountId: string, fn: () => Promise<T>): Promise<T>;
  enqueue(job: () => Promise<void>): Promise<void>;
  upload(accountId: string, source: UploadSource): Promise<RemoteEntry>;
  log(level: "info" | "warn" | "error", text: string): void;
  /** Aborted when docsync stops (read when a drop starts: each start has its own). */
  stopSignal(): AbortSignal;
}

interface DropResume {
  accountId: string;
  localPath: string;
  parentId: string;
  name: string;
}

const isDropResume = (value: unknown): value is DropResume =>
  typeof value === "object" &&
  value !== null &&
  ["accountId", "localPath", "parentId", "name"].every(
    (k) => typeof (value as Record<string, unknown>)[k] === "string",
  );

export async function startDrop(
  input: { accountId: string; folderId: string; paths: string[] },
  ctx: DropContext,
): Promise<{ taskIds: string[] }> {
  const provider = ctx.providerFor(input.accountId);
  const junk = junkMatcher();
  const files: DropResume[] = [];
  const walk = async (localPath: string, parentId: string, relative: string): Promise<void> => {
    const stats = lstatSync(localPath);
    if (stats.isSymbolicLink()) return;
    const name = basename(localPath);
    if (stats.isDirectory()) {
      if (junk(relative, true)) return;
      const folder = await ctx.call(input.accountId, () => ensureFolder(provider, parentId, name));
      for (const child of readdirSync(localPath)) {
        await walk(join(localPath, child), folder.id, `${relative}/${child}`);
      }
    } else if (stats.isFile() && !junk(relative, false)) {
      files.push({ accountId: input.accountId, localPath, parentId, name });
    }
  };
  for (const path of input.paths) {
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (!stats) throw ipcFailure("not-found", `${path} does not exist.`);
  }
  for (const path of input.paths) await walk(path, input.folderId, basename(path));
  const taskIds: string[] = [];
  for (const file of files) {
    const handle = ctx.tasks.create({
      kind: "upload",
      title: `Upload ${file.name}`,
      accountId: file.accountId,
      cancellable: true,
      resume: file,
    });
    taskIds.push(handle.id);
    runDropUpload(file, handle, ctx);
  }
  return { taskIds };
}

/** Re-queues the drop uploads the journal shows unfinished (a pair's file tasks are the engine's). */
export function resumeDrops(ctx: DropContext): void {
  for (const { resume, handle } of ctx.tasks.unfinished("upload")) {
    if (isPairFileResume(resume)) continue;
    if (isDropResume(resume)) runDropUpload(resume, handle, ctx);
    else handle.fail("This upload cannot be resumed; drop the file again.");
  }
}

function runDropUpload(file: DropResume, handle: TaskHandle, ctx: DropContext): void {
  const key = `task:${handle.id}`;
  const stop = ctx.stopSignal();
  let dispose = (): void => {};
  void ctx
    .enqueue(async () => {
      // Cancelled while queued, or docsync is stopping (the task waits for the next start).
      if (handle.signal.aborted || stop.aborted) return;
      const watched = uploadSignal(handle.signal, stop);
      dispose = watched.dispose;
      // The provider names the phase: "uploading", or "staging" then "importing" for a large file.
      let phase: string | undefined;
      handle.start();
      const source = (replaceId?: string): UploadSource => ({
        localPath: file.localPath,
        name: file.name,
        ...(replaceId ? { replaceId } : { parentId: file.parentId }),
        // One bar, phase by phase: the bytes sent while staging, then the server's import.
        onProgress: (sent, total) => handle.progress(sent, total, "bytes", phase),
        onPhase: (next) => {
          if (next === phase) return;
          phase = next;
          handle.start(next);
          // The bar starts again for the new phase; its total comes with the phase's first report.
          handle.progress(0, -1, "bytes", next);
        },
        resume: {
          // Read at each attempt: a retried upload continues from what the failed one saved.
          get state() {
            return ctx.journal.upload(key)?.resume;
          },
          save: (state) => {
            ctx.journal.putUpload({
              key,
              pairId: null,
              path: file.localPath,
              resume: state,
              updatedAt: ctx.now(),
            });
            handle.setResume(file);
          },
        },
        signal: watched.signal,
      });
      try {
        await ctx.upload(file.accountId, source());
      } catch (error) {
        if (!isCloudError(error, "conflict")) throw error;
        const provider = ctx.providerFor(file.accountId);
        const existing = await ctx.call(file.accountId, () => findChild(provider, file.parentId, file.name));
        if (!existing || existing.kind !== "file") throw error;
        await ctx.upload(file.accountId, source(existing.id));
      }
      ctx.journal.deleteUpload(key);
      handle.succeed();
    })
    .catch((error: unknown) => {
      // Cancelled: the provider has stopped the transfer (and freed a staged upload on the server).
      if (handle.signal.aborted) return ctx.journal.deleteUpload(key);
      // Stopped: the task and what its upload saved wait for the next start.
      if (stop.aborted) return;
      const reason =
        (error as NodeJS.ErrnoException).code === "ENOENT"
          ? "the file no longer exists"
          : error instanceof Error
            ? error.message
            : String(error);
      ctx.journal.deleteUpload(key);
      handle.fail(reason);
      ctx.log("warn", `Upload of ${file.localPath} failed: ${reason}`);
    })
    .finally(() => dispose());
}
