/**
 * One file of a pair uploaded through the one upload, recorded in the journal (its "uploaded" hook
 * due), or quarantined with a persisted backoff when it fails.
 */
import { join } from "node:path";
import type { CloudProvider, RemoteEntry } from "../cloud/provider.ts";
import type { UploadedRecord } from "../journal/index.ts";
import { baseName, isLocalError, type EngineContext } from "./engine-context.ts";
import { failureWords } from "../ipc-error.ts";
import { say, type Words } from "../words.ts";
import { markLanded, putFile, type PairRuntime } from "./pair-runtime.ts";
import { parentOf, type UploadItem } from "./plan.ts";
import { reasonOf, sameStat, statPath, toNative } from "./scan.ts";
import { KeepsChanging, settleMs, uploadFile, uploadKey } from "./upload-job.ts";
import { beginCreate, endCreate } from "./write-ahead.ts";
import { recordFailure } from "./failed-paths.ts";

export type UploadOutcome = "uploaded" | "vanished" | { reason: Words };
export interface UploadContext {
  provider: CloudProvider;
  ensureLocalFolder(path: string): Promise<string>;
  signal: AbortSignal;
}

/**
 * Uploads one file of a pair through the one upload; a file that fails is quarantined until its
 * next try. A large file's own task follows it and ends with it (it stays open when the pass is
 * aborted, for the upload to continue after a restart or a resume).
 */
export async function uploadOne(
  ctx: EngineContext,
  rt: PairRuntime,
  planned: UploadItem,
  upload: UploadContext & { passTaskId?: string },
): Promise<UploadOutcome> {
  const item = planned;
  const tracker = ctx.fileTasks.track(rt.record, item.path, item.local.size);
  const { journal } = ctx;
  const { record } = rt;
  const origin = { from: "pair" as const, pairId: record.id, path: item.path };
  const failed = (reason: Words): UploadOutcome => {
    tracker.fail(reason);
    return { reason };
  };
  const quarantineFor = (reason: Words): UploadOutcome => {
    recordFailure(ctx, rt, item.path, reason);
    return failed(reason);
  };
  try {
    // Write-ahead of a new version: a crash before its answer is recorded finds it sent, not due.
    if (item.replaceId)
      beginCreate(ctx, rt, {
        path: item.path,
        kind: "version",
        parentId: item.replaceId,
        name: baseName(item.path),
        size: item.local.size,
        md5: item.md5,
      });
    const result = await uploadFile(ctx, {
      origin,
      accountId: record.accountId,
      provider: upload.provider,
      localPath: join(record.localPath, toNative(item.path)),
      name: baseName(item.path),
      folder: () => upload.ensureLocalFolder(parentOf(item.path)),
      ...(item.replaceId ? { replaceId: item.replaceId } : {}),
      planned: { local: item.local, md5: item.md5 },
      mayReplace: (existing) => !journal.fileByRemoteId(record.id, existing.id),
      // Write-ahead: the journal knows this create is on its way before the request goes.
      beforeCreate: (parentId) =>
        beginCreate(ctx, rt, {
          path: item.path,
          kind: "file",
          parentId,
          name: baseName(item.path),
          size: item.local.size,
          md5: item.md5,
        }),
      onResumeDropped: (reason) =>
        ctx.log("info", say("core.activity.resumeDropped", { path: item.path, reason }), record),
      taskId: () => tracker.taskId,
      onPhase: (phase) => tracker.onPhase(phase),
      onProgress: (sent, total) => tracker.onProgress(sent, total),
      signal: upload.signal,
    });
    const sent = { ...item, local: result.local, md5: result.md5 ?? item.md5 };
    recordUpload(ctx, rt, sent, result.entry, uploadKey(origin), tracker.taskId ?? upload.passTaskId);
    const after = statPath(record.localPath, item.path);
    if (!result.adopted && after.kind === "file" && !sameStat(after.file, sent.local)) {
      // Changed right after the upload read it: the journal holds what was sent; go again once settled.
      setTimeout(() => ctx.requestPass(rt, [item.path]).catch(() => {}), settleMs).unref();
    }
    tracker.succeed();
    return "uploaded";
  } catch (error) {
    // An aborted pass leaves the file's task open, for the upload to continue later.
    if (upload.signal.aborted) throw error;
    if (error instanceof KeepsChanging) return failed(failureWords(error));
    if (isLocalError(error)) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        tracker.fail(say("core.reason.vanished"));
        return "vanished";
      }
      return quarantineFor(reasonOf(error));
    }
    return quarantineFor(failureWords(error));
  }
}

function recordUpload(
  ctx: EngineContext,
  rt: PairRuntime,
  item: UploadItem,
  entry: RemoteEntry,
  key: string,
  uploadTaskId: string | undefined,
): void {
  const { journal } = ctx;
  ctx.writeSoon(() => {
    // A new version is recorded where the journal has its file now (a move of it may have gone first).
    const path = (item.replaceId && journal.fileByRemoteId(rt.record.id, item.replaceId)?.path) || item.path;
    putFile(ctx, rt, {
      path,
      size: item.local.size,
      mtimeMs: item.local.mtimeMs,
      ino: item.local.ino,
      dev: item.local.dev,
      btimeMs: item.local.btimeMs,
      md5: item.md5,
      remoteId: entry.id,
      remoteVersion: entry.version,
    });
    endCreate(ctx, rt, item.path);
    journal.deleteUpload(key);
    journal.clearFailure(rt.record.id, item.path);
    if (!ctx.deps.onUploaded) return;
    const uploaded: UploadedRecord = {
      pairId: rt.record.id,
      path: item.path,
      remoteId: entry.id,
      version: entry.version,
      uploadTaskId: uploadTaskId ?? null,
    };
    journal.putUploadHook(uploaded, ctx.now());
    return uploaded;
  });
  markLanded(rt, item.path);
}

/** Ends the file tasks a restart or an aborted pass left open, by what became of their file. */
export function settleFileTasks(ctx: EngineContext, rt: PairRuntime): void {
  const { journal } = ctx;
  const failures = journal.failures(rt.record.id);
  ctx.fileTasks.settle(rt.record.id, (path) => {
    const file = journal.file(rt.record.id, path);
    if (!file) return { gone: true };
    if (file.remoteId) return { synced: true };
    const failure = failures.find((f) => f.path === path);
    return failure ? { failed: failure.reason } : { pending: true };
  });
}
