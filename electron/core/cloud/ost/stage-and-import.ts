/**
 * The large-file path: stage the bytes on OST (resumable, slice by slice), ask KDocs to import the
 * staged URL, and wait for the import. Each step is persisted through `source.resume`, so a restart
 * continues where it stopped: staging from the last acknowledged slice, an import by polling the
 * same task again.
 */
import { stat } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { CloudError, isCloudError } from "../errors.ts";
import type { RemoteEntry, ServerTaskStatus, UploadSource } from "../provider.ts";
import { OstClient, parseState, type OstUploadState } from "./client.ts";

export interface ImportApi {
  startAsyncUpload(
    input: { url: string; filename: string; parentId?: string; replaceId?: string },
    signal?: AbortSignal,
  ): Promise<string /* task id */>;
  asyncUploadStatus(taskId: string, signal?: AbortSignal): Promise<ServerTaskStatus>; // resultId = the new file's token
  stat(fileId: string, signal?: AbortSignal): Promise<RemoteEntry>;
}

export interface OstAccount {
  baseUrl: string;
  appId: string;
  apiKey: string;
  apiSecret: string;
}

/** What `source.resume.save` receives, phase by phase. */
export type StagingState =
  | ({ phase: "staging" } & OstUploadState)
  | { phase: "staged"; url: string; fileSize: number; mtimeMs: number }
  | { phase: "importing"; taskId: string; url: string };

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
});

/** Polling without the caller's poller: soon after the start, then less and less often. */
const FIRST_POLL_MS = 300;
const MAX_POLL_MS = 5_000;

export async function stageAndImport(
  source: UploadSource,
  ost: OstAccount,
  kdocs: ImportApi,
): Promise<RemoteEntry> {
  const { signal } = source;
  const save = (state: StagingState | null) => source.resume?.save(state);
  const saved = source.resume?.state;

  const importing = importingSchema.safeParse(saved);
  if (importing.success) {
    source.onPhase?.("importing");
    try {
      return await finishImport(source, importing.data.taskId, kdocs);
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
  if (url === undefined) url = await stage(source, ost, saved, save);

  source.onPhase?.("importing");
  throwIfAborted(signal);
  const taskId = await kdocs.startAsyncUpload(
    {
      url,
      filename: source.name,
      ...(source.replaceId !== undefined
        ? { replaceId: source.replaceId }
        : source.parentId !== undefined
          ? { parentId: source.parentId }
          : {}),
    },
    signal,
  );
  save({ phase: "importing", taskId, url });
  try {
    return await finishImport(source, taskId, kdocs);
  } catch (error) {
    // A failed import is not polled again after a restart: the next attempt stages afresh.
    if (isImportFailure(error)) save(null);
    throw error;
  }
}

async function stage(
  source: UploadSource,
  ost: OstAccount,
  saved: unknown,
  save: (state: StagingState) => void,
): Promise<string> {
  source.onPhase?.("staging");
  const resume = isStaging(saved) ? parseState(saved) : undefined;
  const client = new OstClient(ost);
  try {
    const result = await client.upload({
      path: source.localPath,
      filename: source.name,
      multipart: true,
      ...(resume ? { resume } : {}),
      save: (state) => save({ phase: "staging", ...state }),
      ...(source.onProgress ? { onProgress: source.onProgress } : {}),
      ...(source.expected ? { expected: source.expected } : {}),
      ...(source.signal ? { signal: source.signal } : {}),
    });
    save({ phase: "staged", url: result.url, fileSize: result.size, mtimeMs: result.mtimeMs });
    return result.url;
  } finally {
    client.close();
  }
}

async function finishImport(source: UploadSource, taskId: string, kdocs: ImportApi): Promise<RemoteEntry> {
  const { signal } = source;
  const report = (current: number, total: number) => source.onProgress?.(current, total);
  const status = source.waitForTask
    ? await source.waitForTask({ kind: "import", id: taskId }, report, signal)
    : await pollImport(taskId, kdocs, report, signal);
  if (status.state !== "succeeded") {
    const reason = status.error ? `${status.error.message} (code ${status.error.code})` : status.state;
    throw new ImportFailure(`The server could not import ${source.name}: ${reason}`, status.error?.code);
  }
  if (!status.resultId)
    throw new CloudError("protocol", `The import of ${source.name} succeeded without a file`);
  return kdocs.stat(status.resultId, signal);
}

async function pollImport(
  taskId: string,
  kdocs: ImportApi,
  report: (current: number, total: number) => void,
  signal?: AbortSignal,
): Promise<ServerTaskStatus> {
  let wait = FIRST_POLL_MS;
  for (;;) {
    const status = await kdocs.asyncUploadStatus(taskId, signal);
    report(status.current, status.total);
    if (status.state !== "running") return status;
    try {
      await delay(wait, undefined, signal ? { signal } : {});
    } catch (error) {
      throw new CloudError("cancelled", "Waiting for the import was cancelled.", { cause: error });
    }
    wait = Math.min(MAX_POLL_MS, Math.round(wait * 1.5));
  }
}

/** The import ran and failed; worth another attempt from fresh staging. */
class ImportFailure extends CloudError {
  constructor(message: string, code: number | undefined) {
    super("transient", message, code !== undefined ? { code } : {});
  }
}

function isImportFailure(error: unknown): boolean {
  return error instanceof ImportFailure;
}

function isStaging(value: unknown): boolean {
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
