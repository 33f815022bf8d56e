/**
 * A typed client for the OST upload calls (contract section 2), each retried the way the API makes
 * safe: a slice sent again replaces the earlier one, a complete asked again answers the same url,
 * a cancel whose answer was lost finds the upload gone. A `request_id` only labels a request for the
 * vendor's logs; nothing here relies on the server remembering one.
 */
import { randomUUID } from "node:crypto";
import { isCloudError } from "../errors.ts";
import { retryPolicy, withRetry, type RetryPolicy } from "../http/retry.ts";
import type { NoticeSink } from "../notices.ts";
import { calls, type OstAnswer, type OstCall } from "./adapter.ts";
import type { OstCredentials } from "./signer.ts";
import { OstTransport, type FilePart } from "./transport.ts";
import { uploadFile, type OstUploadRequest, type OstUploadResult } from "./upload.ts";

export { SINGLE_UPLOAD_LIMIT, UPLOAD_ID_LIFETIME_MS } from "./adapter.ts";
export {
  DEFAULT_CONCURRENCY,
  parseState,
  type OstUploadRequest,
  type OstUploadResult,
  type OstUploadState,
} from "./upload.ts";

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
  onNotice?: NoticeSink;
}

export class OstClient {
  readonly options: OstClientOptions;
  readonly now: () => number;
  readonly retry: RetryPolicy;
  private readonly transport: OstTransport;

  constructor(options: OstClientOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.retry = retryPolicy({ attempts: 8, ...options.retry });
    this.transport = new OstTransport(options);
  }

  close() {
    this.transport.close();
  }

  /** Uploads a local file: one request under 30 MB, otherwise a resumable multipart upload. */
  upload(request: OstUploadRequest): Promise<OstUploadResult> {
    return uploadFile(this, request);
  }

  init(signal?: AbortSignal): Promise<string> {
    return this.#json(calls.init, {}, signal);
  }

  /** Sends one slice's bytes; sent again, it replaces what was sent before. */
  async sendSlice(uploadId: string, sliceId: number, part: FilePart, signal?: AbortSignal): Promise<void> {
    await withRetry(
      async () => {
        part.onRetry?.();
        const fields = { ...this.#fields(), upload_id: uploadId, slice_id: String(sliceId) };
        return this.#read(calls.slice, await this.transport.postForm(calls.slice.path, fields, part, signal));
      },
      this.retry,
      signal,
    );
  }

  /** Asked again for an upload that is complete already, the server answers the same url. */
  complete(uploadId: string, signal?: AbortSignal): Promise<string> {
    return this.#json(calls.complete, { upload_id: uploadId }, signal);
  }

  async cancel(uploadId: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.#json(calls.cancel, { upload_id: uploadId }, signal);
    } catch (error) {
      // Gone already (cancelled by a try whose answer was lost, or expired): that is what was asked.
      if (!isCloudError(error, "not-found")) throw error;
    }
  }

  /** Frees an upload the server would otherwise keep for a day; failing to is harmless. */
  async cancelQuietly(uploadId: string): Promise<void> {
    try {
      await this.transport.postJson(
        calls.cancel.path,
        { ...this.#fields(), upload_id: uploadId },
        AbortSignal.timeout(10_000),
      );
    } catch {
      // The upload expires on its own.
    }
  }

  /** A whole file under 30 MB in one request. */
  sendSingle(part: FilePart, signal?: AbortSignal): Promise<string> {
    return withRetry(
      async () => {
        part.onRetry?.();
        return this.#read(
          calls.single,
          await this.transport.postForm(calls.single.path, this.#fields(), part, signal),
        );
      },
      this.retry,
      signal,
    );
  }

  #fields() {
    return { app_id: this.options.appId, request_id: randomUUID() };
  }

  #json<T>(call: OstCall<T>, fields: Record<string, string>, signal?: AbortSignal): Promise<T> {
    return withRetry(
      async () =>
        this.#read(call, await this.transport.postJson(call.path, { ...this.#fields(), ...fields }, signal)),
      this.retry,
      signal,
    );
  }

  #read<T>(call: OstCall<T>, answer: OstAnswer): T {
    return this.transport.read(call, answer);
  }
}
