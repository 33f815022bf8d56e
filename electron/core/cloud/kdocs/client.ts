/**
 * A typed client for every endpoint of the KDocs application space (contract section 1): signs each
 * request, validates each answer, turns failures into CloudErrors and retries transient faults.
 * Retries never create a second object: a create that may have reached the server looks for its
 * result before it is sent again.
 */
import { basename } from "node:path";
import { CloudError, isCloudError } from "../errors.ts";
import type { RemoteEntry, ServerTaskStatus } from "../provider.ts";
import { HttpEndpoint, jsonOf, type EndpointOptions, type RetrySafety } from "../http/endpoint.ts";
import { withRetry } from "../http/retry.ts";
import type { HttpResponse } from "../http/transport.ts";
import {
  API_PREFIX,
  DIRECT_UPLOAD_LIMIT,
  JSON_TYPE,
  MAX_LIST_COUNT,
  MAX_MOVE_BATCH,
  ROOT_TOKEN,
  UPLOAD_FILE_FIELD,
  api,
  envelope,
  errorFromEnvelope,
  errorFromStatus,
  uploadFields,
  type ApiCall,
  type AsyncUploadInput,
  type DownloadAddress,
  type FilePage,
  type UploadTarget,
} from "./adapter.ts";
import {
  READ_CHUNK,
  assertUnchanged,
  hashForUpload,
  openLocalFile,
  uploadBody,
  type FileSnapshot,
} from "./local-file.ts";
import { multipartFrame } from "./multipart.ts";
import { httpDate, md5Hex, requestUriMd5, wps2Headers } from "./signer.ts";

export interface KdocsClientOptions extends EndpointOptions {
  appId: string;
  appKey: string;
}

export interface DirectUploadInput extends UploadTarget {
  localPath: string;
  /** Defaults to the local file name. */
  name?: string;
  expected?: FileSnapshot;
  /** Bytes of the file sent so far. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class KdocsClient {
  readonly #http: HttpEndpoint;
  readonly #appId: string;
  readonly #appKey: string;

  constructor(options: KdocsClientOptions) {
    this.#http = new HttpEndpoint(options, {
      service: "KDocs",
      timeoutMs: DEFAULT_TIMEOUT_MS,
      maxSockets: 16,
    });
    this.#appId = options.appId;
    this.#appKey = options.appKey;
  }

  /** Releases idle connections. */
  close(): void {
    this.#http.close();
  }

  stat(id: string, signal?: AbortSignal): Promise<RemoteEntry> {
    return this.#call(api.fileInfo(id), signal);
  }

  /** One page of a folder; `offset` null for the first. */
  list(
    parentId: string,
    page: { offset?: number | null; count?: number } = {},
    signal?: AbortSignal,
  ): Promise<FilePage> {
    const count = Math.min(MAX_LIST_COUNT, Math.max(1, page.count ?? MAX_LIST_COUNT));
    return this.#call(api.list(parentId, page.offset ?? null, count), signal);
  }

  /** Looks through every page of a folder for an entry by name. */
  async find(parentId: string, name: string, signal?: AbortSignal): Promise<RemoteEntry | undefined> {
    let offset: number | null = null;
    do {
      const page = await this.list(parentId, { offset }, signal);
      const hit = page.entries.find((e) => e.name === name);
      if (hit) return hit;
      offset = page.nextOffset;
    } while (offset !== null);
    return undefined;
  }

  createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<RemoteEntry> {
    return this.#call(api.createFolder(parentId, name), signal, {
      // A create whose answer was lost leaves the folder there: the retry's conflict finds it.
      afterConflictOnRetry: async () => {
        const found = await this.find(parentId, name, signal);
        return found?.kind === "folder" ? found : undefined;
      },
    });
  }

  rename(id: string, newName: string, signal?: AbortSignal): Promise<RemoteEntry> {
    return this.#call(api.rename(id, newName), signal, {
      afterConflictOnRetry: async () => {
        const entry = await this.stat(id, signal);
        return entry.name === newName ? entry : undefined;
      },
    });
  }

  destroy(id: string, options: { modifier?: string } = {}, signal?: AbortSignal): Promise<void> {
    return this.#call(api.destroy(id, options.modifier), signal, { notFoundOnRetryIsDone: true });
  }

  downloadAddress(id: string, signal?: AbortSignal): Promise<DownloadAddress> {
    return this.#call(api.downloadAddress(id), signal);
  }

  /**
   * Asks the server to fetch `url` into a file. Retried only when the server answered a fault:
   * after a lost answer the import may already be running, and a second one would race it.
   */
  startAsyncUpload(input: AsyncUploadInput, signal?: AbortSignal): Promise<string> {
    return this.#call(api.startAsyncUpload(input), signal, { retryOnlyAnswered: true });
  }

  asyncUploadStatus(taskId: string, signal?: AbortSignal): Promise<ServerTaskStatus> {
    return this.#call(api.asyncUploadStatus(taskId), signal);
  }

  /** Starts a batch move; null when the server already completed it. */
  startMove(ids: string[], targetParentId: string, signal?: AbortSignal): Promise<string | null> {
    if (ids.length < 1 || ids.length > MAX_MOVE_BATCH) {
      return Promise.reject(
        new CloudError("invalid", `A batch move takes 1 to ${MAX_MOVE_BATCH} entries, not ${ids.length}.`),
      );
    }
    return this.#call(api.startMove(ids, targetParentId), signal, {
      afterConflictOnRetry: async () => {
        const entries = await Promise.all(ids.map((id) => this.stat(id, signal)));
        return entries.every((e) => e.parentId === targetParentId) ? null : undefined;
      },
    });
  }

  taskResult(taskId: string, signal?: AbortSignal): Promise<ServerTaskStatus> {
    return this.#call(api.taskResult(taskId), signal);
  }

  /** Streams a local file of at most 64 MiB into a folder (or over an existing file). */
  async uploadFile(input: DirectUploadInput): Promise<RemoteEntry> {
    const { signal } = input;
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
      const digests = await hashForUpload(file, frame, signal);
      const contentLength = frame.preamble.length + size + frame.epilogue.length;
      const call = api.directUpload();
      const alreadyThere = () => this.#findUploaded(target, name, digests.md5, signal);

      return await withRetry(
        async ({ attempt }) => {
          if (attempt > 1) {
            const found = await alreadyThere();
            if (found) return found;
          }
          await assertUnchanged(file, "before it was sent");
          const url = this.#url(call);
          const headers = this.#sign(digests.bodyMd5, frame.contentType);
          input.onProgress?.(0, size);
          const body = uploadBody(file, frame);
          let response: HttpResponse;
          try {
            response = await this.#http.send({
              url,
              method: call.method,
              headers,
              contentLength,
              body: body.chunks,
              onFlushed: body.recycle,
              highWaterMark: 4 * READ_CHUNK,
              ...(signal ? { signal } : {}),
              onSent: (sent) =>
                input.onProgress?.(Math.min(size, Math.max(0, sent - frame.preamble.length)), size),
            });
          } catch (error) {
            if (isCloudError(error, "transient")) await assertUnchanged(file, "while it was being sent");
            throw error;
          }
          let entry: RemoteEntry;
          try {
            entry = this.#interpret(response, call);
          } catch (error) {
            if (isCloudError(error, "credentials")) await assertUnchanged(file, "while it was being sent");
            if (attempt > 1 && isCloudError(error, "conflict")) {
              // The first try may have landed after all: that copy is the result.
              const found = await alreadyThere();
              if (found) return found;
            }
            throw error;
          }
          if (entry.md5 !== undefined && entry.md5 !== digests.md5) {
            throw new CloudError(
              "protocol",
              `KDocs stored ${name} with MD5 ${entry.md5}, but the bytes sent have MD5 ${digests.md5}.`,
            );
          }
          return entry;
        },
        this.#http.retry,
        signal,
      );
    } finally {
      await file.handle.close();
    }
  }

  /** The file an earlier attempt of this upload left on the server, if it did. */
  async #findUploaded(
    target: UploadTarget,
    name: string,
    md5: string,
    signal?: AbortSignal,
  ): Promise<RemoteEntry | undefined> {
    if (target.replaceId !== undefined) {
      const entry = await this.stat(target.replaceId, signal);
      return entry.md5 === md5 ? entry : undefined;
    }
    const parentId =
      target.parentPath !== undefined
        ? await this.#resolvePath(target.parentPath, signal)
        : (target.parentId ?? ROOT_TOKEN);
    if (parentId === undefined) return undefined;
    const entry = await this.find(parentId, name, signal);
    return entry?.kind === "file" && entry.md5 === md5 ? entry : undefined;
  }

  async #resolvePath(path: string[], signal?: AbortSignal): Promise<string | undefined> {
    let id = ROOT_TOKEN;
    for (const segment of path) {
      const folder = await this.find(id, segment, signal);
      if (folder?.kind !== "folder") return undefined;
      id = folder.id;
    }
    return id;
  }

  #call<T>(call: ApiCall<T>, signal: AbortSignal | undefined, safety: RetrySafety<T> = {}): Promise<T> {
    const body = call.json === undefined ? undefined : Buffer.from(JSON.stringify(call.json), "utf8");
    return this.#http.retried(
      async () => {
        const url = this.#url(call);
        const contentMd5 = call.method === "GET" ? requestUriMd5(url) : md5Hex(body ?? "");
        const headers = this.#sign(contentMd5, JSON_TYPE);
        const response = await this.#http.fetch(
          url,
          { method: call.method, headers, ...(body ? { body } : {}) },
          signal,
        );
        return this.#interpret(response, call);
      },
      signal,
      safety,
    );
  }

  #url(call: ApiCall<unknown>): URL {
    return this.#http.url(
      API_PREFIX + call.path,
      call.query ? new URLSearchParams(call.query).toString() : "",
    );
  }

  #sign(contentMd5: string, contentType: string): Record<string, string> {
    return wps2Headers({
      appId: this.#appId,
      appKey: this.#appKey,
      contentMd5,
      contentType,
      date: httpDate(this.#http.now()),
    });
  }

  #interpret<T>(response: HttpResponse, call: ApiCall<T>): T {
    const { status } = response;
    const now = this.#http.now();
    const retryAt = this.#http.retryAt(response, now);
    const json = jsonOf(response);
    if (json === undefined) {
      throw errorFromStatus(
        status,
        `KDocs answered HTTP ${status} with something other than JSON.`,
        {},
        retryAt,
      );
    }
    const parsed = envelope.safeParse(json);
    if (!parsed.success) {
      throw errorFromStatus(status, `KDocs answered HTTP ${status} without its envelope.`, {}, retryAt);
    }
    if (parsed.data.code !== 0) throw errorFromEnvelope(parsed.data, status, retryAt, now);
    const data = call.data.safeParse(parsed.data.data);
    if (!data.success) {
      const where = `${call.method} ${call.path}`;
      throw new CloudError(
        "protocol",
        `KDocs answered ${where} with an unexpected shape: ${data.error.message}`,
      );
    }
    return data.data;
  }
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
