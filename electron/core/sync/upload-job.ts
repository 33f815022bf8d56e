/**
 * The one upload: a dropped file and a pair's file go up the same way. Its saved state says where
 * the file came from; its progress with the service (an OST upload id and acknowledged slices, a
 * KooDrive part count, an import's task id) is kept in the journal under one key scheme, so a
 * restart continues it. A used-up quota is waited out; transient faults were already retried, per
 * request, by the HTTP layer, so a failure here is the upload's end. A name that is taken follows one
 * rule: the same content there is adopted, other content gets this file as its new version.
 */
import { statSync } from "node:fs";
import type { CloudProvider, RemoteEntry, UploadPhase, UploadSource } from "../cloud/provider.ts";
import { isCloudError } from "../cloud/errors.ts";
import { withRequestHooks } from "../cloud/http/request-hooks.ts";
import type { Job } from "../tasks/runner.ts";
import type { EngineContext } from "./engine-context.ts";
import { say } from "../words.ts";
import { failureWords, IpcFailure } from "../ipc-error.ts";
import { md5File } from "./hash.ts";
import { callCloud, findChild } from "./remote.ts";
import { localFileOf, sameStat, type LocalFile } from "./scan.ts";

/** Where an upload's file came from, saved with its task. */
export type UploadOrigin =
  | { from: "drop"; accountId: string; localPath: string; parentId: string; name: string }
  | { from: "pair"; pairId: string; path: string };

/** The state of an upload task, as saved before `from` existed too. */
export function parseOrigin(saved: unknown): UploadOrigin | undefined {
  if (typeof saved !== "object" || saved === null) return undefined;
  const s = saved as Record<string, unknown>;
  const text = (key: string) => typeof s[key] === "string";
  if (s.from !== "drop" && text("pairId") && text("path")) {
    return { from: "pair", pairId: s.pairId as string, path: s.path as string };
  }
  if (s.from !== "pair" && ["accountId", "localPath", "parentId", "name"].every(text)) {
    const { accountId, localPath, parentId, name } = s as Record<string, string>;
    return { from: "drop", accountId: accountId!, localPath: localPath!, parentId: parentId!, name: name! };
  }
  return undefined;
}

/** The journal key of an upload's progress with the service. */
export function uploadKey(origin: UploadOrigin, taskId?: string): string {
  return origin.from === "pair" ? `pair:${origin.pairId}:${origin.path}` : `task:${taskId}`;
}

/** How many times a file that keeps changing while it uploads is tried before it is left for later. */
const settleAttempts = 20;
export const settleMs = 200;

export interface UploadRequest {
  origin: UploadOrigin;
  accountId: string;
  provider: CloudProvider;
  /** The file on disk. */
  localPath: string;
  /** Its name in the cloud. */
  name: string;
  /** The folder it goes into (resolved when needed: a pair creates missing folders on the way). */
  folder(): Promise<string>;
  /** A new version of this cloud file. */
  replaceId?: string;
  /** What the caller planned with: the file's stat and content hash (a pair knows both). */
  planned?: { local: LocalFile; md5: string };
  /**
   * Whether a cloud file holding the name may get this file as its new version (a pair's own
   * document on its way elsewhere may not: the name is free once it has gone).
   */
  mayReplace?(existing: RemoteEntry): boolean;
  /** Called before a request that may create the file in `parentId` goes (the pair's write-ahead). */
  beforeCreate?(parentId: string): void;
  /** A saved resume state that no longer fits was dropped; the upload starts again. */
  onResumeDropped?(reason: string): void;
  /** The task showing the upload, once there is one (it names the server task being polled). */
  taskId?(): string | undefined;
  onPhase?(phase: UploadPhase): void;
  onProgress?(sent: number, total: number): void;
  signal: AbortSignal;
}

export interface UploadResult {
  entry: RemoteEntry;
  /** The file as it was sent (a file that changed while it uploaded went up again once settled). */
  local: LocalFile;
  md5: string | undefined;
  /** The same content was in the cloud already: nothing was sent. */
  adopted: boolean;
}

/** A file that keeps changing: it is left for later. */
export class KeepsChanging extends IpcFailure {
  constructor() {
    super("transient", say("core.reason.keepsChanging"));
  }
}

const statOf = (path: string): LocalFile | undefined => {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats?.isFile() ? localFileOf(stats) : undefined;
};

/** Uploads one file; throws what ends the upload (ENOENT when the file vanished). */
export async function uploadFile(ctx: EngineContext, request: UploadRequest): Promise<UploadResult> {
  const { journal, now, quota, bandwidth } = ctx;
  const { accountId, provider, signal } = request;
  const key = uploadKey(request.origin, request.taskId?.());
  const journalPath = request.origin.from === "pair" ? request.origin.path : request.origin.localPath;
  let local = request.planned?.local ?? statOf(request.localPath);
  if (!local) throw Object.assign(new Error(`${request.localPath} does not exist`), { code: "ENOENT" });
  let md5 = request.planned?.md5;
  let replaceId = request.replaceId;
  let changes = 0;
  for (;;) {
    await quota.wait(accountId, signal);
    try {
      const parentId = replaceId ? undefined : await request.folder();
      if (parentId !== undefined) request.beforeCreate?.(parentId);
      const source: UploadSource = {
        localPath: request.localPath,
        name: request.name,
        ...(replaceId ? { replaceId } : { parentId: parentId! }),
        expected: { size: local.size, mtimeMs: local.mtimeMs, ...(md5 !== undefined ? { md5 } : {}) },
        ...(request.onPhase ? { onPhase: request.onPhase } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
        resume: {
          state: journal.upload(key)?.resume,
          save: (state) =>
            journal.putUpload({
              key,
              pairId: request.origin.from === "pair" ? request.origin.pairId : null,
              path: journalPath,
              resume: state,
              updatedAt: now(),
            }),
          ...(request.onResumeDropped ? { dropped: request.onResumeDropped } : {}),
        },
        waitForTask: (task, onProgress, taskSignal) => {
          const taskId = request.taskId?.();
          return ctx.poller.wait(accountId, task, {
            onProgress,
            ...(taskSignal ? { signal: taskSignal } : {}),
            ...(taskId ? { taskId } : {}),
          });
        },
        signal,
      };
      // The cap paces the bytes as they go, whichever way the provider sends them.
      const entry = await withRequestHooks({ pace: bandwidth.take }, () => provider.upload(source));
      return { entry, local, md5, adopted: false };
    } catch (error) {
      if (signal.aborted) throw error;
      if (isCloudError(error, "quota")) {
        quota.block(accountId, error.retryAt ?? now() + 60_000);
        continue;
      }
      if (isCloudError(error, "changed")) {
        if (++changes > settleAttempts) throw new KeepsChanging();
        const settled = await settle(ctx, request.localPath, signal);
        if (!settled) throw Object.assign(new Error("the file no longer exists"), { code: "ENOENT" });
        local = settled;
        if (md5 !== undefined) md5 = await md5File(request.localPath, settled.size);
        continue;
      }
      if (isCloudError(error, "conflict") && !replaceId) {
        // The name is taken: the same content there (an upload that finished before a crash) is
        // adopted; other content gets this file as its new version.
        const existing = await callCloud(
          accountId,
          ctx.policy,
          async () => findChild(provider, await request.folder(), request.name, signal),
          signal,
        );
        if (!existing || existing.kind !== "file") throw error;
        md5 ??= await md5File(request.localPath, local.size);
        if (existing.md5 === md5 && existing.size === local.size) {
          return { entry: existing, local, md5, adopted: true };
        }
        if (request.mayReplace && !request.mayReplace(existing)) throw error;
        replaceId = existing.id;
        continue;
      }
      if (isCloudError(error, "not-found") && replaceId) {
        // The cloud copy was deleted meanwhile: upload the file afresh.
        replaceId = undefined;
        continue;
      }
      throw error;
    }
  }
}

/** The file's stat once it stopped changing; undefined when it vanished. */
async function settle(ctx: EngineContext, path: string, signal: AbortSignal): Promise<LocalFile | undefined> {
  let last = statOf(path);
  for (;;) {
    await ctx.sleep(settleMs, signal);
    const current = statOf(path);
    if (!current || !last) return undefined;
    if (sameStat(current, last)) return current;
    last = current;
  }
}

/** Declares the upload job: drops run as background jobs; a pair's file is uploaded by its pair's passes. */
export function declareUploads(
  ctx: EngineContext,
  options: {
    /** Runs a drop's upload in the engine's bounded queue (or not at all once `signal` aborts). */
    enqueue(work: () => Promise<void>, signal: AbortSignal): Promise<void>;
    /** A pair's file task found unfinished at start-up: its pair's next pass finishes it. */
    adoptPairFile(job: Job<UploadOrigin>): void;
  },
) {
  return ctx.runner.declare<UploadOrigin>({
    kind: "upload",
    parse: parseOrigin,
    lost: say("core.task.uploadLost"),
    resume(job) {
      if (job.state.from === "drop") return "run";
      options.adoptPairFile(job);
      return "handed-over";
    },
    run: (job) =>
      // One dropped file, uploaded into its folder in the engine's queue; the task ends with it.
      options.enqueue(async () => {
        const origin = job.state;
        if (origin.from === "drop" && !job.signal.aborted) await uploadDrop(ctx, job, origin);
      }, job.signal),
  });
}

async function uploadDrop(
  ctx: EngineContext,
  job: Job<UploadOrigin>,
  origin: Extract<UploadOrigin, { from: "drop" }>,
): Promise<void> {
  const { handle, signal } = job;
  const key = uploadKey(origin, job.id);
  // The provider names the phase: "uploading", or "staging" then "importing" for a large file.
  let phase: string | undefined;
  handle.start();
  try {
    await uploadFile(ctx, {
      origin,
      accountId: origin.accountId,
      provider: ctx.deps.providerFor(origin.accountId),
      localPath: origin.localPath,
      name: origin.name,
      folder: async () => origin.parentId,
      taskId: () => job.id,
      onPhase: (next) => {
        if (next === phase) return;
        phase = next;
        handle.start(next);
        // The bar starts again for the new phase; its total comes with the phase's first report.
        handle.progress(0, -1, "bytes", next);
      },
      onProgress: (sent, total) => handle.progress(sent, total, "bytes", phase),
      signal,
    });
    ctx.journal.deleteUpload(key);
    handle.succeed();
  } catch (error) {
    // Stopped: the task and what its upload saved wait for the next start.
    if (signal.aborted && !job.handle.signal.aborted) return;
    // Cancelled: the provider has stopped the transfer (and freed a staged upload on the server).
    ctx.journal.deleteUpload(key);
    if (job.handle.signal.aborted) return;
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? say("core.reason.vanished") : failureWords(error);
    handle.fail(reason);
    ctx.log("warn", say("core.activity.uploadFailed", { path: origin.localPath, reason }));
  }
}
