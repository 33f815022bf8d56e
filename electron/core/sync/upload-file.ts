/**
 * One file of a pair uploaded: retried while that is worth it (the file settling, the quota,
 * transient failures), adopted when the same content already sits in the cloud, quarantined when
 * it keeps failing.
 */
import { join } from "node:path";
import type { CloudProvider, RemoteEntry } from "../cloud/provider.ts";
import { isCloudError } from "../cloud/errors.ts";
import type { UploadedRecord } from "../journal/index.ts";
import { baseName, errorText, isLocalError, type EngineContext } from "./engine-context.ts";
import type { FileTaskTracker } from "./file-tasks.ts";
import { md5File } from "./hash.ts";
import { markLanded, putFile, type PairRuntime } from "./pair-runtime.ts";
import { parentOf, type UploadItem } from "./plan.ts";
import { backoffMs, callCloud, findChild } from "./remote.ts";
import { reasonOf, sameStat, statPath, toNative } from "./scan.ts";

/** How many times a file that keeps changing while it uploads is tried before it is left for later. */
const settleAttempts = 20;
const settleMs = 200;
/** Quarantine backoff of a failing file: 30 s doubling, at most 1 hour. */
const quarantine = { baseMs: 30_000, capMs: 3_600_000 };

export type UploadOutcome = "uploaded" | "vanished" | { reason: string };
export interface UploadContext {
  provider: CloudProvider;
  ensureLocalFolder(path: string): Promise<string>;
  signal: AbortSignal;
}

/**
 * Uploads one file, retrying what is worth retrying; a file that keeps failing is quarantined.
 * A large file's own task follows it and ends with it (it stays open when the pass is aborted,
 * for the upload to continue after a restart or a resume).
 */
export async function uploadOne(
  ctx: EngineContext,
  rt: PairRuntime,
  planned: UploadItem,
  upload: UploadContext & { passTaskId?: string },
): Promise<UploadOutcome> {
  const tracker = ctx.fileTasks.track(rt.record, planned.path, planned.local.size);
  const outcome = await uploadTracked(ctx, rt, planned, upload, tracker);
  if (outcome === "uploaded") tracker.succeed();
  else if (outcome === "vanished") tracker.fail("The file no longer exists.");
  else tracker.fail(outcome.reason);
  return outcome;
}

async function uploadTracked(
  ctx: EngineContext,
  rt: PairRuntime,
  planned: UploadItem,
  upload: UploadContext & { passTaskId?: string },
  tracker: FileTaskTracker,
): Promise<UploadOutcome> {
  const { journal, now, quota, bandwidth } = ctx;
  const { record } = rt;
  const uploadTaskId = (): string | undefined => tracker.taskId ?? upload.passTaskId;
  const absolute = join(record.localPath, toNative(planned.path));
  const key = `pair:${record.id}:${planned.path}`;
  let item = planned;
  let attempt = 0;
  let changes = 0;
  const quarantineFor = (reason: string): UploadOutcome => {
    const previous = journal.failures(record.id).find((f) => f.path === item.path);
    const attempts = (previous?.attempts ?? 0) + 1;
    const nextRetryAt = now() + backoffMs(attempts - 1, quarantine.baseMs, quarantine.capMs);
    journal.putFailure(record.id, { path: item.path, reason, attempts, nextRetryAt });
    ctx.log("warn", `${item.path}: ${reason} (next try ${new Date(nextRetryAt).toISOString()})`, record);
    return { reason };
  };
  for (;;) {
    await quota.wait(record.accountId, upload.signal);
    await bandwidth.take(item.local.size, upload.signal);
    const sentBefore = tracker.sentBytes;
    try {
      const parentId = item.replaceId ? undefined : await upload.ensureLocalFolder(parentOf(item.path));
      const inflight = journal.upload(key);
      const entry = await upload.provider.upload({
        localPath: absolute,
        name: baseName(item.path),
        ...(item.replaceId ? { replaceId: item.replaceId } : { parentId: parentId! }),
        expected: { size: item.local.size, mtimeMs: item.local.mtimeMs },
        onPhase: (phase) => tracker.onPhase(phase),
        onProgress: (sent, total) => tracker.onProgress(sent, total),
        resume: {
          state: inflight?.resume,
          save: (state) =>
            journal.putUpload({ key, pairId: record.id, path: item.path, resume: state, updatedAt: now() }),
        },
        waitForTask: ctx.poller.waiterFor(record.accountId),
        signal: upload.signal,
      });
      recordUpload(ctx, rt, item, entry, key, uploadTaskId());
      const after = statPath(record.localPath, item.path);
      if (after.kind === "file" && !sameStat(after.file, item.local)) {
        // Changed right after the upload read it: the journal holds what was sent; go again once settled.
        setTimeout(() => ctx.requestPass(rt, [item.path]).catch(() => {}), settleMs).unref();
      }
      return "uploaded";
    } catch (error) {
      if (upload.signal.aborted) throw error;
      // What was not sent (a refusal before the first byte) is not charged against the other files.
      bandwidth.giveBack(item.local.size - (tracker.sentBytes - sentBefore));
      if (isLocalError(error)) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return "vanished";
        return quarantineFor(reasonOf(error));
      }
      if (isCloudError(error, "changed")) {
        if (++changes > settleAttempts)
          return { reason: "the file keeps changing; it will be uploaded once it settles" };
        const settled = await settle(ctx, record.localPath, item.path, upload.signal);
        if (!settled) return "vanished";
        item = { ...item, local: settled, md5: await md5File(absolute, settled.size) };
        continue;
      }
      if (isCloudError(error, "quota")) {
        quota.block(record.accountId, error.retryAt ?? now() + 60_000);
        continue;
      }
      if (isCloudError(error, "conflict") && !item.replaceId) {
        const adopted = await adopt(ctx, rt, item, key, upload, uploadTaskId());
        if (adopted === "adopted") return "uploaded";
        if (adopted) {
          item = { ...item, replaceId: adopted };
          continue;
        }
        return quarantineFor(`the cloud refused it: ${error.message}`);
      }
      if (isCloudError(error, "not-found") && item.replaceId) {
        // The cloud copy was deleted there: upload the file afresh.
        const { replaceId: _gone, ...fresh } = item;
        item = fresh;
        continue;
      }
      if (isCloudError(error, "transient") && attempt < 4) {
        const retryIn = error.retryAt !== undefined ? error.retryAt - now() : undefined;
        await ctx.sleep(backoffMs(attempt++, 300, 10_000, retryIn), upload.signal);
        continue;
      }
      return quarantineFor(errorText(error));
    }
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
    putFile(ctx, rt, {
      path: item.path,
      size: item.local.size,
      mtimeMs: item.local.mtimeMs,
      ino: item.local.ino,
      md5: item.md5,
      remoteId: entry.id,
      remoteVersion: entry.version,
    });
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

/** The name is taken in the cloud: the same content (an upload that finished before a crash) is adopted. */
async function adopt(
  ctx: EngineContext,
  rt: PairRuntime,
  item: UploadItem,
  key: string,
  upload: UploadContext,
  uploadTaskId: string | undefined,
): Promise<"adopted" | string | undefined> {
  const parentId = await upload.ensureLocalFolder(parentOf(item.path));
  const existing = await callCloud(
    rt.record.accountId,
    ctx.policy,
    () => findChild(upload.provider, parentId, baseName(item.path), upload.signal),
    upload.signal,
  );
  if (!existing || existing.kind !== "file") return undefined;
  if (existing.md5 === item.md5 && existing.size === item.local.size) {
    recordUpload(ctx, rt, item, existing, key, uploadTaskId);
    return "adopted";
  }
  return existing.id;
}

async function settle(ctx: EngineContext, root: string, path: string, signal: AbortSignal) {
  let last = statPath(root, path);
  for (;;) {
    await ctx.sleep(settleMs, signal);
    const current = statPath(root, path);
    if (current.kind !== "file" || last.kind !== "file") return undefined;
    if (sameStat(current.file, last.file)) return current.file;
    last = current;
  }
}
