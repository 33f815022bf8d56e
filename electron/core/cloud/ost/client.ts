/**
 * Uploads a local file to OST: one request under 30 MB, otherwise a resumable multipart upload
 * with several slices in flight, each read from disk as a stream and retried on its own.
 */
import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import PQueue from "p-queue";
import { z } from "zod";
import { CloudError, isCloudError } from "../errors.ts";
import { retryPolicy, withRetry, type RetryPolicy } from "../http/retry.ts";
import type { OstCredentials } from "./sign.ts";
import { DEFAULT_SLICE_SIZE, planSlices, planWithSliceSize, sliceRange } from "./slices.ts";
import { OstTransport, type OstAnswer } from "./transport.ts";

/** `/file/upload` takes files under 30 MB. */
export const SINGLE_UPLOAD_LIMIT = 30_000_000;
/** The server forgets an upload id after 24 h (code 10005). */
export const UPLOAD_ID_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_CONCURRENCY = 4;
const UPLOAD_EXPIRED = 10005;
const SERVER_FAULTS = new Set([10002, 10003, 10004, 10006, 10007]);

export interface OstClientOptions extends OstCredentials {
  baseUrl: string;
  /** Slices in flight at once. */
  concurrency?: number;
  /** Preferred slice size; grown when the file would need more than 10,000 slices. */
  sliceSize?: number;
  retry?: Partial<RetryPolicy>;
  /** A call without an answer, or a slice with no byte moving, for this long fails as transient. */
  timeoutMs?: number;
  /** Clock for request dates and upload-id age. */
  now?: () => number;
}

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
  /**
   * The request_id of `complete`, saved before it is sent: after a crash that lost its answer, the
   * same request_id is answered with the same URL instead of "upload finished".
   */
  completeRequestId?: string;
}

const stateSchema = z.object({
  uploadId: z.string().min(1),
  createdAt: z.number(),
  sliceSize: z.number().int(),
  acked: z.array(z.number().int()),
  fileSize: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  completeRequestId: z.string().optional(),
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

export class OstClient {
  private readonly options: OstClientOptions;
  private readonly transport: OstTransport;
  private readonly now: () => number;
  private readonly retry: RetryPolicy;

  constructor(options: OstClientOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.retry = retryPolicy({ attempts: 8, ...options.retry });
    this.transport = new OstTransport(options);
  }

  close() {
    this.transport.close();
  }

  async upload(request: OstUploadRequest): Promise<OstUploadResult> {
    const file = await statFile(request.path);
    if (
      request.expected &&
      (request.expected.size !== file.size || request.expected.mtimeMs !== file.mtimeMs)
    ) {
      throw new CloudError("changed", `${request.path} changed since the upload was planned`);
    }
    const resumable = this.usableState(request.resume, file) !== undefined;
    const url =
      file.size < SINGLE_UPLOAD_LIMIT && !resumable && !request.multipart
        ? await this.uploadSingle(request, file.size)
        : await this.uploadMultipart(request, file);
    await assertUnchanged(request.path, file);
    return { url, size: file.size, mtimeMs: file.mtimeMs };
  }

  async init(signal?: AbortSignal): Promise<string> {
    const answer = await this.call("/file/mpupload/init", {}, signal);
    return requireString(answer.data?.upload_id, "init", "upload_id");
  }

  async complete(uploadId: string, signal?: AbortSignal, requestId?: string): Promise<string> {
    const answer = await this.call("/file/mpupload/complete", { upload_id: uploadId }, signal, requestId);
    return requireString(answer.data?.url, "complete", "url");
  }

  async cancel(uploadId: string, signal?: AbortSignal): Promise<void> {
    await this.call("/file/mpupload/cancel", { upload_id: uploadId }, signal);
  }

  /** A JSON call, retried with the same request_id so a lost answer is answered again. */
  private async call(
    path: string,
    fields: Record<string, string>,
    signal?: AbortSignal,
    requestId: string = randomUUID(),
  ): Promise<OstAnswer> {
    const body = { app_id: this.options.appId, request_id: requestId, ...fields };
    return withRetry(
      async () => checked(path, await this.transport.postJson(path, body, signal)),
      this.retry,
      signal,
    );
  }

  private async uploadSingle(request: OstUploadRequest, size: number): Promise<string> {
    const fields = { app_id: this.options.appId, request_id: randomUUID() };
    let sent = 0;
    const answer = await withRetry(
      async () => {
        sent = 0;
        const part = {
          path: request.path,
          start: 0,
          end: size,
          filename: request.filename ?? basename(request.path),
          onBytes: (bytes: number) => {
            sent += bytes;
            request.onProgress?.(sent, size);
          },
        };
        return checked(
          "/file/upload",
          await this.transport.postForm("/file/upload", fields, part, request.signal),
        );
      },
      this.retry,
      request.signal,
    );
    return requireString(answer.data?.url, "upload", "url");
  }

  private async uploadMultipart(request: OstUploadRequest, file: FileStat): Promise<string> {
    const signal = request.signal;
    let state = this.usableState(request.resume, file);
    const stale = parseState(request.resume);
    if (!state && stale) await this.cancelQuietly(stale.uploadId);
    for (let round = 1; ; round++) {
      if (!state) {
        const sliceSize = planSlices(file.size, this.options.sliceSize ?? DEFAULT_SLICE_SIZE).sliceSize;
        const uploadId = await this.init(signal);
        state = {
          uploadId,
          createdAt: this.now(),
          sliceSize,
          acked: [],
          fileSize: file.size,
          mtimeMs: file.mtimeMs,
        };
        request.save?.(state);
      }
      try {
        state = await this.sendSlices(request, state);
        await assertUnchanged(request.path, file);
        if (state.completeRequestId === undefined) {
          state = { ...state, completeRequestId: randomUUID() };
          request.save?.(state);
        }
        return await this.complete(state.uploadId, signal, state.completeRequestId);
      } catch (error) {
        if (signal?.aborted) {
          // Only the user's cancel frees the server's copy; a pause or a shutdown resumes it later.
          if (isCloudError(signal.reason, "cancelled")) await this.cancelQuietly(state.uploadId);
          throw new CloudError("cancelled", `the upload of ${request.path} was cancelled`, { cause: error });
        }
        // The server forgot the upload (too old, or lost): begin a clean one, once.
        if (round === 1 && isCloudError(error) && error.code === UPLOAD_EXPIRED) {
          state = undefined;
          continue;
        }
        throw error;
      }
    }
  }

  /** Sends the slices not acknowledged yet; answers the state with all of them acknowledged. */
  private async sendSlices(request: OstUploadRequest, initial: OstUploadState): Promise<OstUploadState> {
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
    const queue = new PQueue({ concurrency: this.options.concurrency ?? DEFAULT_CONCURRENCY });
    const sendOne = async (id: number) => {
      const range = sliceRange(plan, id);
      const fields = {
        app_id: this.options.appId,
        request_id: randomUUID(),
        upload_id: initial.uploadId,
        slice_id: String(id),
      };
      const filename = request.filename ?? basename(request.path);
      await withRetry(
        async () => {
          inFlight.set(id, 0);
          const part = {
            path: request.path,
            start: range.start,
            end: range.end,
            filename,
            onBytes: (bytes: number) => {
              inFlight.set(id, (inFlight.get(id) ?? 0) + bytes);
              report();
            },
          };
          checked(
            "/file/mpupload/upload",
            await this.transport.postForm("/file/mpupload/upload", fields, part, stop.signal),
          );
        },
        this.retry,
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

  private usableState(resume: unknown, file: FileStat): OstUploadState | undefined {
    const state = parseState(resume);
    if (!state || state.fileSize !== file.size || state.mtimeMs !== file.mtimeMs) return undefined;
    if (this.now() - state.createdAt >= UPLOAD_ID_LIFETIME_MS) return undefined;
    try {
      planWithSliceSize(state.fileSize, state.sliceSize);
    } catch {
      return undefined;
    }
    return state;
  }

  /** Frees an upload the server would otherwise keep for a day; failing to is harmless. */
  private async cancelQuietly(uploadId: string) {
    try {
      await this.transport.postJson(
        "/file/mpupload/cancel",
        { app_id: this.options.appId, request_id: randomUUID(), upload_id: uploadId },
        AbortSignal.timeout(10_000),
      );
    } catch {
      // The upload expires on its own.
    }
  }
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

function checked(path: string, answer: OstAnswer): OstAnswer {
  if (answer.code === 0) return answer;
  const message = `OST ${path}: ${answer.message} (code ${answer.code})`;
  if (answer.code === UPLOAD_EXPIRED) throw new CloudError("not-found", message, { code: answer.code });
  if (answer.code === 10001) throw new CloudError("invalid", message, { code: answer.code });
  if (SERVER_FAULTS.has(answer.code)) throw new CloudError("transient", message, { code: answer.code });
  throw new CloudError("protocol", message, { code: answer.code });
}

function requireString(value: unknown, call: string, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw new CloudError("protocol", `OST ${call} answered without ${field}`);
  }
  return value;
}
