/**
 * Uploads to the KDocs application space, both ways (contract sections 1.5 and 2):
 *
 * - direct: the file streams in one signed multipart request (up to 64 MiB);
 * - large: the bytes are staged (iFlytek OST), KDocs is asked to import the staged URL, and the
 *   import is waited for. Each step is persisted through `source.resume`, so a restart continues
 *   where it stopped: staging from the last acknowledged slice, an import by polling the same task.
 *
 * The async upload's page lists only `url`, `filename`, `creator` and `parent_token`. `file_token`
 * (a new version of a file) is docsync's own guess, so the result is checked after the import and put
 * right: the user ends with exactly one current copy, with its name, in its folder, whether or not
 * the service honoured the guess.
 */
import { randomBytes } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { z } from "zod";
import { CloudError, isCloudError } from "../errors.ts";
import { withRetry } from "../http/retry.ts";
import {
  waitingPhase,
  type RemoteEntry,
  type ServerTaskStatus,
  type StagingProvider,
  type UploadSource,
} from "../provider.ts";
import { pollUntilFinal } from "../task-wait.ts";
import {
  api,
  DIRECT_UPLOAD_LIMIT,
  ROOT_TOKEN,
  uploadFields,
  UPLOAD_FILE_FIELD,
  type UploadTarget,
} from "./adapter.ts";
import type { KdocsClient } from "./client.ts";
import { READ_CHUNK, assertUnchanged, changed, openLocalFile, type FileSnapshot } from "../local-file.ts";
import { hashForUpload, multipartFrame, uploadBody } from "./multipart.ts";

export interface DirectUploadInput extends UploadTarget {
  localPath: string;
  /** Defaults to the local file name. */
  name?: string;
  /** With `md5`, the file is taken to have it: only the body is hashed before sending. */
  expected?: FileSnapshot & { md5?: string };
  /** Bytes of the file sent so far. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/** Streams a local file of at most 64 MiB into a folder (or over an existing file). */
export async function uploadDirect(client: KdocsClient, input: DirectUploadInput): Promise<RemoteEntry> {
  const { signal } = input;
  const transport = client.transport;
  const name = input.name ?? basename(input.localPath);
  const target: UploadTarget = pickTarget(input);
  const file = await openLocalFile(input.localPath, input.expected);
  try {
    const size = file.snapshot.size;
    if (size > DIRECT_UPLOAD_LIMIT) {
      throw new CloudError(
        "too-large",
        `${name} is ${size} bytes; direct upload takes at most ${DIRECT_UPLOAD_LIMIT} bytes.`,
      );
    }
    const frame = multipartFrame(uploadFields(target), { field: UPLOAD_FILE_FIELD, filename: name });
    const planned = input.expected?.md5;
    const digests = await hashForUpload(file, frame, signal, planned);
    const contentLength = frame.preamble.length + size + frame.epilogue.length;
    const call = api.directUpload();
    const alreadyThere = () => findUploaded(client, target, name, digests.md5, signal);

    return await withRetry(
      async ({ attempt }) => {
        if (attempt > 1) {
          const found = await alreadyThere();
          if (found) return found;
        }
        // Hashing checked it just before the first attempt.
        if (attempt > 1) await assertUnchanged(file, "before it was sent");
        input.onProgress?.(0, size);
        const body = uploadBody(file, frame, digests.bytes);
        let entry: RemoteEntry;
        try {
          entry = await transport.stream(call, {
            url: transport.url(call),
            method: call.method,
            headers: transport.sign(digests.bodyMd5, frame.contentType),
            contentLength,
            body: body.chunks,
            onFlushed: body.recycle,
            highWaterMark: 4 * READ_CHUNK,
            ...(signal ? { signal } : {}),
            onSent: (sent) =>
              input.onProgress?.(Math.min(size, Math.max(0, sent - frame.preamble.length)), size),
          });
        } catch (error) {
          if (isCloudError(error, "transient") || isCloudError(error, "credentials")) {
            await assertUnchanged(file, "while it was being sent");
          }
          if (attempt > 1 && isCloudError(error, "conflict")) {
            // The first try may have landed after all: that copy is the result.
            const found = await alreadyThere();
            if (found) return found;
          }
          throw error;
        }
        if (entry.md5 !== undefined && entry.md5 !== digests.md5) {
          // The bytes sent were not hashed here: they are not the content the caller planned with.
          if (planned !== undefined) throw changed(input.localPath, "after it was hashed for upload");
          throw new CloudError(
            "protocol",
            `KDocs stored ${name} with MD5 ${entry.md5}, but the bytes sent have MD5 ${digests.md5}.`,
          );
        }
        return entry;
      },
      transport.http.retry,
      signal,
    );
  } finally {
    await file.handle.close();
  }
}

/** The file an earlier attempt of this upload left on the server, if it did. */
async function findUploaded(
  client: KdocsClient,
  target: UploadTarget,
  name: string,
  md5: string,
  signal?: AbortSignal,
): Promise<RemoteEntry | undefined> {
  if (target.replaceId !== undefined) {
    const entry = await client.stat(target.replaceId, signal);
    return entry.md5 === md5 ? entry : undefined;
  }
  const parentId =
    target.parentPath !== undefined
      ? await resolvePath(client, target.parentPath, signal)
      : (target.parentId ?? ROOT_TOKEN);
  if (parentId === undefined) return undefined;
  const entry = await client.find(parentId, name, signal);
  return entry?.kind === "file" && entry.md5 === md5 ? entry : undefined;
}

async function resolvePath(
  client: KdocsClient,
  path: string[],
  signal?: AbortSignal,
): Promise<string | undefined> {
  let id = ROOT_TOKEN;
  for (const segment of path) {
    const folder = await client.find(id, segment, signal);
    if (folder?.kind !== "folder") return undefined;
    id = folder.id;
  }
  return id;
}

function pickTarget(input: UploadTarget): UploadTarget {
  const given = [input.parentId, input.parentPath, input.replaceId].filter((v) => v !== undefined).length;
  if (given > 1) {
    throw new CloudError("invalid", "An upload names one of parentId, parentPath or replaceId, not several.");
  }
  if (input.replaceId !== undefined) return { replaceId: input.replaceId };
  if (input.parentPath !== undefined) return { parentPath: input.parentPath };
  return { parentId: input.parentId ?? ROOT_TOKEN };
}

/** What `source.resume.save` receives, phase by phase. */
export type StagingState =
  | ({ phase: "staging" } & Record<string, unknown>)
  | { phase: "staged"; url: string; fileSize: number; mtimeMs: number }
  | { phase: "importing"; taskId: string; url: string; parentId?: string; importName?: string };

const stagedSchema = z.object({
  phase: z.literal("staged"),
  url: z.string().min(1),
  fileSize: z.number(),
  mtimeMs: z.number(),
});
const importingSchema = z.object({
  phase: z.literal("importing"),
  taskId: z.string().min(1),
  url: z.string(),
  parentId: z.string().optional(),
  importName: z.string().optional(),
});

/** Polling without the caller's poller: soon after the start, then less and less often. */
const FIRST_POLL_MS = 300;
const MAX_POLL_MS = 5_000;

/** Where an import goes and under which name it is asked for. */
interface ImportPlan {
  parentId: string;
  /** A new version is imported under a name of its own, so that a service that makes a new file cannot clash. */
  importName: string;
}

export async function stageAndImport(
  source: UploadSource,
  staging: StagingProvider,
  kdocs: KdocsClient,
): Promise<RemoteEntry> {
  const { signal } = source;
  const save = (state: StagingState | null) => source.resume?.save(state);
  const saved = source.resume?.state;

  const importing = importingSchema.safeParse(saved);
  if (importing.success) {
    source.onPhase?.("importing");
    try {
      const { taskId, parentId, importName } = importing.data;
      return await finishImport(source, taskId, kdocs, {
        parentId: parentId ?? (await currentFolder(source, kdocs)),
        importName: importName ?? source.name,
      });
    } catch (error) {
      // The task is gone or failed (the staged URL may have lapsed meanwhile): stage afresh, once.
      if (!isCloudError(error, "not-found") && !isImportFailure(error)) throw error;
      save(null);
    }
  }

  if (source.expected && !(await unchanged(source.localPath, toSnapshot(source.expected)))) {
    throw new CloudError("changed", `${source.localPath} changed since the upload was planned`);
  }
  let url: string | undefined;
  const staged = stagedSchema.safeParse(saved);
  if (staged.success && (await unchanged(source.localPath, staged.data))) url = staged.data.url;
  url ??= await stage(source, staging, saved, save);

  source.onPhase?.("importing");
  throwIfAborted(signal);
  const plan: ImportPlan = {
    parentId: await currentFolder(source, kdocs),
    importName: source.replaceId !== undefined ? importNameFor(source.name) : source.name,
  };
  const taskId = await kdocs.startAsyncUpload(
    {
      url,
      filename: plan.importName,
      parentId: plan.parentId,
      ...(source.replaceId !== undefined ? { replaceId: source.replaceId } : {}),
    },
    signal,
  );
  save({ phase: "importing", taskId, url, ...plan });
  try {
    return await finishImport(source, taskId, kdocs, plan);
  } catch (error) {
    // A failed import is not polled again after a restart: the next attempt stages afresh.
    if (isImportFailure(error)) save(null);
    throw error;
  }
}

/** The folder the file goes into: the given one, or for a new version the one the file is in. */
async function currentFolder(source: UploadSource, kdocs: KdocsClient): Promise<string> {
  if (source.replaceId === undefined) return source.parentId ?? ROOT_TOKEN;
  // Not found: the file was deleted in the cloud, which the caller handles (it uploads afresh).
  return (await kdocs.stat(source.replaceId, source.signal)).parentId;
}

/** `report.docx` → `report.docsync-3fa2c1.docx`: the extension stays last, so the type is kept. */
function importNameFor(name: string): string {
  const extension = extname(name);
  const stem = extension ? name.slice(0, -extension.length) : name;
  return `${stem}.docsync-${randomBytes(3).toString("hex")}${extension}`;
}

async function stage(
  source: UploadSource,
  staging: StagingProvider,
  saved: unknown,
  save: (state: StagingState) => void,
): Promise<string> {
  source.onPhase?.("staging");
  const resumable = isStaging(saved) ? saved : undefined;
  const result = await staging.stage({
    localPath: source.localPath,
    name: source.name,
    resume: {
      state: resumable,
      save: (state) => save({ phase: "staging", ...(state as Record<string, unknown>) }),
    },
    ...(source.onProgress ? { onProgress: source.onProgress } : {}),
    ...(source.expected ? { expected: source.expected } : {}),
    ...(source.signal ? { signal: source.signal } : {}),
  });
  save({ phase: "staged", url: result.url, fileSize: result.size, mtimeMs: result.mtimeMs });
  return result.url;
}

async function finishImport(
  source: UploadSource,
  taskId: string,
  kdocs: KdocsClient,
  plan: ImportPlan,
): Promise<RemoteEntry> {
  const { signal } = source;
  let waiting = false;
  const report = (current: number, total: number, status?: ServerTaskStatus) => {
    // A word the contract does not know: the phase says so, and goes back when the service does.
    if (status?.unknownStatus) {
      waiting = true;
      source.onPhase?.(waitingPhase(status.unknownStatus));
    } else if (waiting) {
      waiting = false;
      source.onPhase?.("importing");
    }
    source.onProgress?.(current, total);
  };
  const task = { kind: "import" as const, id: taskId };
  const status = source.waitForTask
    ? await source.waitForTask(task, report, signal)
    : await pollUntilFinal((s) => kdocs.asyncUploadStatus(taskId, s), {
        firstMs: FIRST_POLL_MS,
        maxMs: MAX_POLL_MS,
        onProgress: report,
        ...(signal ? { signal } : {}),
      });
  if (status.state !== "succeeded") {
    const reason = status.error ? `${status.error.message} (code ${status.error.code})` : status.state;
    throw new ImportFailure(`The server could not import ${source.name}: ${reason}`, status.error?.code);
  }
  return settleImport(source, status.resultId, kdocs, plan);
}

/**
 * Puts the imported file where the user expects it, whatever the service made of the request: in
 * the planned folder, under its own name, and (for a new version) in place of the old file.
 */
async function settleImport(
  source: UploadSource,
  resultId: string | undefined,
  kdocs: KdocsClient,
  plan: ImportPlan,
): Promise<RemoteEntry> {
  const { signal } = source;
  const http = kdocs.transport.http;
  const asked = "POST /appspace/file/async/upload";
  let entry = resultId ? await kdocs.stat(resultId, signal).catch(notFoundAsUndefined) : undefined;
  if (!resultId) http.notice("GET /appspace/file/async/upload/{task_id}", "missing-field", "data.file_token");
  if (!entry) {
    // Without a token that leads to it, the file is found by the name it was imported under.
    const found = await kdocs.find(plan.parentId, plan.importName, signal);
    entry = found?.kind === "file" ? found : undefined;
  }
  if (!entry) {
    throw new ImportFailure(`The import of ${source.name} succeeded, but the imported file cannot be found.`);
  }
  const size = (await stat(source.localPath).catch(() => undefined))?.size;
  if (size !== undefined && entry.size !== size) {
    throw new CloudError(
      "protocol",
      `KDocs imported ${source.name} with ${entry.size} bytes, but the file has ${size} bytes.`,
    );
  }
  if (entry.parentId !== plan.parentId) {
    http.notice(asked, "ignored-field", "parent_token", `the file landed in "${entry.parentId}"`);
    entry = await moveInto(kdocs, entry, plan.parentId, signal);
  }
  if (source.replaceId !== undefined && entry.id !== source.replaceId) {
    // The service made a new file instead of a new version: the new one takes the old one's place.
    http.notice(asked, "ignored-field", "file_token", "the import made a new file instead of a new version");
    await kdocs.destroy(source.replaceId, {}, signal).catch(notFoundAsUndefined);
  }
  if (entry.name !== source.name) {
    try {
      entry = await kdocs.rename(entry.id, source.name, signal);
    } catch (error) {
      // Someone took the name meanwhile: the import must not stay behind as a second copy.
      if (isCloudError(error, "conflict") && source.replaceId === undefined) {
        await kdocs.destroy(entry.id, {}, signal).catch(notFoundAsUndefined);
      }
      throw error;
    }
  }
  return entry;
}

async function moveInto(
  kdocs: KdocsClient,
  entry: RemoteEntry,
  parentId: string,
  signal?: AbortSignal,
): Promise<RemoteEntry> {
  const taskId = await kdocs.startMove([entry.id], parentId, signal);
  if (taskId !== null) {
    const status = await pollUntilFinal((s) => kdocs.taskResult(taskId, s), {
      firstMs: FIRST_POLL_MS,
      maxMs: MAX_POLL_MS,
      ...(signal ? { signal } : {}),
    });
    const failure = status.failed[0] ?? status.error;
    if (status.state !== "succeeded" && failure) {
      throw new CloudError(
        "protocol",
        `The imported file could not be moved into its folder: ${failure.message}`,
      );
    }
  }
  return kdocs.stat(entry.id, signal);
}

function notFoundAsUndefined(error: unknown): undefined {
  if (isCloudError(error, "not-found")) return undefined;
  throw error;
}

/** The import ran and failed; worth another attempt from fresh staging. */
class ImportFailure extends CloudError {
  constructor(message: string, code?: number) {
    super("transient", message, code !== undefined ? { code } : {});
  }
}

function isImportFailure(error: unknown): boolean {
  return error instanceof ImportFailure;
}

function isStaging(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && (value as { phase?: unknown }).phase === "staging";
}

async function unchanged(path: string, before: { fileSize: number; mtimeMs: number }): Promise<boolean> {
  try {
    const info = await stat(path);
    return info.size === before.fileSize && info.mtimeMs === before.mtimeMs;
  } catch {
    return false;
  }
}

function toSnapshot(expected: { size: number; mtimeMs: number }) {
  return { fileSize: expected.size, mtimeMs: expected.mtimeMs };
}

function throwIfAborted(signal?: AbortSignal) {
  if (signal?.aborted) throw new CloudError("cancelled", "The upload was cancelled.");
}
