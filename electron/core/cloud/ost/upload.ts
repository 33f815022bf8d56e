/**
 * Uploads a local file to OST: one request under 30 MB, otherwise a resumable multipart upload
 * with several slices in flight, each read from disk as a stream and retried on its own. Progress
 * (the upload id and the slices acknowledged) goes to `save`, so a restart continues after the last
 * acknowledged slice; a crash after every slice was sent simply completes again, which answers the
 * same url.
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import PQueue from "p-queue";
import { z } from "zod";
import { CloudError, isCloudError } from "../errors.ts";
import { CODES, SINGLE_UPLOAD_LIMIT, UPLOAD_ID_LIFETIME_MS } from "./adapter.ts";
import type { OstClient } from "./client.ts";
import { DEFAULT_SLICE_SIZE, planSlices, planWithSliceSize, sliceRange } from "./slices.ts";

/** Slices in flight at once, by default. */
export const DEFAULT_CONCURRENCY = 4;

/** What a multipart upload persists so it can continue after a restart. */
export interface OstUploadState {
  uploadId: string;
  /** When the upload id was created (ms since epoch). */
  createdAt: number;
  sliceSize: number;
  /** Slice ids the server acknowledged. */
  acked: number[];
  /** The file as it was when the upload began; a file that differs starts over. */
  fileSize: number;
  mtimeMs: number;
}

const stateSchema = z.object({
  uploadId: z.string().min(1),
  createdAt: z.number(),
  sliceSize: z.number().int(),
  acked: z.array(z.number().int()),
  fileSize: z.number().int().nonnegative(),
  mtimeMs: z.number(),
});

export interface OstUploadRequest {
  path: string;
  /** Name sent with the bytes; defaults to the file's base name. */
  filename?: string;
  /** A state an earlier attempt saved; anything unusable is ignored and the upload starts afresh. */
  resume?: unknown;
  /** Receives the state after the upload id is created and after every acknowledged slice. */
  save?: (state: OstUploadState) => void;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** The stat the caller planned with: a file that no longer matches fails with kind "changed". */
  expected?: { size: number; mtimeMs: number };
  /** Use the multipart upload even for a small file (a resumable upload). */
  multipart?: boolean;
  /** Aborting stops the slices and cancels the upload on the server. */
  signal?: AbortSignal;
}

export interface OstUploadResult {
  /** Serves the file to a plain GET. */
  url: string;
  size: number;
  mtimeMs: number;
}

export async function uploadFile(client: OstClient, request: OstUploadRequest): Promise<OstUploadResult> {
  const file = await statFile(request.path);
  if (
    request.expected &&
    (request.expected.size !== file.size || request.expected.mtimeMs !== file.mtimeMs)
  ) {
    throw new CloudError("changed", `${request.path} changed since the upload was planned`);
  }
  const resumable = usableState(client, request.resume, file) !== undefined;
  const url =
    file.size < SINGLE_UPLOAD_LIMIT && !resumable && !request.multipart
      ? await uploadSingle(client, request, file.size)
      : await uploadMultipart(client, request, file);
  await assertUnchanged(request.path, file);
  return { url, size: file.size, mtimeMs: file.mtimeMs };
}

async function uploadSingle(client: OstClient, request: OstUploadRequest, size: number): Promise<string> {
  let sent = 0;
  return client.sendSingle(
    {
      path: request.path,
      start: 0,
      end: size,
      filename: request.filename ?? basename(request.path),
      onRetry: () => (sent = 0),
      onBytes: (bytes) => {
        sent += bytes;
        request.onProgress?.(sent, size);
      },
    },
    request.signal,
  );
}

async function uploadMultipart(
  client: OstClient,
  request: OstUploadRequest,
  file: FileStat,
): Promise<string> {
  const signal = request.signal;
  let state = usableState(client, request.resume, file);
  const stale = parseState(request.resume);
  if (!state && stale) await client.cancelQuietly(stale.uploadId);
  for (let round = 1; ; round++) {
    if (!state) {
      const sliceSize = planSlices(file.size, client.options.sliceSize ?? DEFAULT_SLICE_SIZE).sliceSize;
      const uploadId = await client.init(signal);
      state = {
        uploadId,
        createdAt: client.now(),
        sliceSize,
        acked: [],
        fileSize: file.size,
        mtimeMs: file.mtimeMs,
      };
      request.save?.(state);
    }
    try {
      state = await sendSlices(client, request, state);
      await assertUnchanged(request.path, file);
      return await client.complete(state.uploadId, signal);
    } catch (error) {
      if (signal?.aborted) {
        // Only the user's cancel frees the server's copy; a pause or a shutdown resumes it later.
        if (isCloudError(signal.reason, "cancelled")) await client.cancelQuietly(state.uploadId);
        throw new CloudError("cancelled", `the upload of ${request.path} was cancelled`, { cause: error });
      }
      // The server forgot the upload (too old, or lost): begin a clean one, once.
      if (round === 1 && isCloudError(error) && error.code === CODES.expired) {
        state = undefined;
        continue;
      }
      throw error;
    }
  }
}

/** Sends the slices not acknowledged yet; answers the state with all of them acknowledged. */
async function sendSlices(
  client: OstClient,
  request: OstUploadRequest,
  initial: OstUploadState,
): Promise<OstUploadState> {
  const plan = planWithSliceSize(initial.fileSize, initial.sliceSize);
  const acked = new Set(initial.acked.filter((id) => id >= 1 && id <= plan.count));
  const sizeOf = (id: number) => {
    const range = sliceRange(plan, id);
    return range.end - range.start;
  };
  let ackedBytes = [...acked].reduce((sum, id) => sum + sizeOf(id), 0);
  const inFlight = new Map<number, number>();
  const report = () => {
    let sending = 0;
    for (const bytes of inFlight.values()) sending += bytes;
    request.onProgress?.(ackedBytes + sending, plan.fileSize);
  };
  report();

  // Stops the other slices when one fails for good, when a save fails, or when the caller aborts.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  request.signal?.addEventListener("abort", onAbort, { once: true });
  const queue = new PQueue({ concurrency: client.options.concurrency ?? DEFAULT_CONCURRENCY });
  const filename = request.filename ?? basename(request.path);
  const sendOne = async (id: number) => {
    const range = sliceRange(plan, id);
    await client.sendSlice(
      initial.uploadId,
      id,
      {
        path: request.path,
        start: range.start,
        end: range.end,
        filename,
        onRetry: () => inFlight.set(id, 0),
        onBytes: (bytes: number) => {
          inFlight.set(id, (inFlight.get(id) ?? 0) + bytes);
          report();
        },
      },
      stop.signal,
    );
    acked.add(id);
    // Persisted before it counts as done: a restart after this point never sends the slice again.
    request.save?.({ ...initial, acked: [...acked] });
    inFlight.delete(id);
    ackedBytes += range.end - range.start;
    report();
  };
  const pending: number[] = [];
  for (let id = 1; id <= plan.count; id++) if (!acked.has(id)) pending.push(id);
  try {
    await Promise.all(pending.map((id) => queue.add(() => sendOne(id))));
    return { ...initial, acked: [...acked] };
  } catch (error) {
    stop.abort();
    queue.clear();
    await queue.onIdle();
    throw error;
  } finally {
    request.signal?.removeEventListener("abort", onAbort);
  }
}

function usableState(client: OstClient, resume: unknown, file: FileStat): OstUploadState | undefined {
  const state = parseState(resume);
  if (!state || state.fileSize !== file.size || state.mtimeMs !== file.mtimeMs) return undefined;
  if (client.now() - state.createdAt >= UPLOAD_ID_LIFETIME_MS) return undefined;
  try {
    planWithSliceSize(state.fileSize, state.sliceSize);
  } catch {
    return undefined;
  }
  return state;
}

export function parseState(value: unknown): OstUploadState | undefined {
  const parsed = stateSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

interface FileStat {
  size: number;
  mtimeMs: number;
}

async function statFile(path: string): Promise<FileStat> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CloudError("invalid", `${path} is not a file`);
    return { size: info.size, mtimeMs: info.mtimeMs };
  } catch (error) {
    if (isCloudError(error)) throw error;
    throw new CloudError("changed", `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** A file that changed while it was read must not be published torn. */
async function assertUnchanged(path: string, before: FileStat) {
  const now = await statFile(path);
  if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) {
    throw new CloudError("changed", `${path} changed while it was being uploaded`);
  }
}
