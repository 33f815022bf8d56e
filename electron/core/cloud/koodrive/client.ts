/**
 * A typed client for the KooDrive drive endpoints (docs/koodrive-api.md): Bearer token on every call,
 * each answer validated, failures as CloudErrors, transient faults retried. Retries never create a
 * second object: a create that may have landed looks for its result, and jobs are started again only
 * when the server answered the first attempt.
 */
import { CloudError, isCloudError } from "../errors.ts";
import type { ServerTaskStatus } from "../provider.ts";
import { HttpEndpoint, jsonOf, type EndpointOptions, type RetrySafety } from "../http/endpoint.ts";
import type { RetryPolicy } from "../http/retry.ts";
import type { HttpResponse } from "../http/transport.ts";
import {
  API_PREFIX,
  CODES,
  JOB,
  MAX_JOB_ITEMS,
  MAX_PACKAGE_FILES,
  MAX_PAGE_SIZE,
  api,
  envelope,
  errorFromAnswer,
  isSuccess,
  type ApiCall,
  type FilePage,
  type KooEntry,
  type PackageStatus,
  type PartAddress,
  type UploadRequest,
  type UploadSession,
} from "./adapter.ts";
import { BearerToken } from "./token.ts";

export interface KooDriveClientOptions extends EndpointOptions {
  token: string;
  /** A fresh token when KooDrive refuses the current one (for example a new sign-in). */
  refreshToken?: () => Promise<string>;
  /** The account's space id; sent when known. */
  containerId?: string;
}

export type JobKind = keyof typeof JOB;

const DEFAULT_TIMEOUT_MS = 30_000;

export class KooDriveClient {
  readonly #http: HttpEndpoint;
  readonly #token: BearerToken;
  readonly #containerId: string | undefined;

  constructor(options: KooDriveClientOptions) {
    this.#http = new HttpEndpoint(options, {
      service: "KooDrive",
      timeoutMs: DEFAULT_TIMEOUT_MS,
      maxSockets: 4,
    });
    this.#token = new BearerToken({
      token: options.token,
      now: this.#http.now,
      ...(options.refreshToken ? { refresh: options.refreshToken } : {}),
    });
    this.#containerId = options.containerId || undefined;
  }

  /** When the token lapses unless another call is made first (known once a call was answered). */
  get tokenExpiresAt(): number | undefined {
    return this.#token.expiresAt;
  }

  get retryPolicy(): RetryPolicy {
    return this.#http.retry;
  }

  close(): void {
    this.#http.close();
  }

  list(
    parentId: string,
    cursor: string | null = null,
    pageSize = MAX_PAGE_SIZE,
    signal?: AbortSignal,
  ): Promise<FilePage> {
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(pageSize)));
    return this.#call(api.list(parentId, cursor, size, this.#containerId), signal);
  }

  stat(fileId: string, signal?: AbortSignal): Promise<KooEntry> {
    return this.#call(api.detail(fileId, this.#containerId), signal);
  }

  /** Looks through every page of a folder for an entry by name. */
  async find(parentId: string, name: string, signal?: AbortSignal): Promise<KooEntry | undefined> {
    let cursor: string | null = null;
    do {
      const page = await this.list(parentId, cursor, MAX_PAGE_SIZE, signal);
      const hit = page.entries.find((entry) => entry.name === name);
      if (hit) return hit;
      cursor = page.next;
    } while (cursor !== null);
    return undefined;
  }

  createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<KooEntry> {
    return this.#call(api.createFolder(parentId, name, this.#containerId), signal, {
      afterConflictOnRetry: async () => {
        const found = await this.find(parentId, name, signal);
        return found?.kind === "folder" ? found : undefined;
      },
    });
  }

  /** Renames and answers the entry as it now is. */
  async rename(fileId: string, newName: string, signal?: AbortSignal): Promise<KooEntry> {
    await this.#call(api.rename(fileId, newName, this.#containerId), signal).catch(async (error: unknown) => {
      // A rename whose answer was lost and whose retry met "name taken" may have been our own.
      if (isCloudError(error, "conflict") && (await this.stat(fileId, signal)).name === newName) return;
      throw error;
    });
    return this.stat(fileId, signal);
  }

  /** Starts a copy, delete or move job of 1 to 1,000 items; answers its id. */
  startJob(kind: JobKind, fileIds: string[], targetId?: string, signal?: AbortSignal): Promise<string> {
    if (fileIds.length < 1 || fileIds.length > MAX_JOB_ITEMS) {
      return Promise.reject(
        new CloudError("invalid", `A KooDrive job takes 1 to ${MAX_JOB_ITEMS} items, not ${fileIds.length}.`),
      );
    }
    if (kind !== "delete" && targetId === undefined) {
      return Promise.reject(new CloudError("invalid", `A ${kind} job needs a target folder.`));
    }
    return this.#call(
      api.startJob(JOB[kind], fileIds, kind === "delete" ? undefined : targetId, this.#containerId),
      signal,
      {
        retryOnlyAnswered: true,
      },
    );
  }

  job(jobId: string, signal?: AbortSignal): Promise<ServerTaskStatus> {
    return this.#call(api.job(jobId), signal);
  }

  /** Starts packing up to 1,000 files and folders into one zip; answers the task id. */
  startPackage(fileIds: string[], zipName?: string, signal?: AbortSignal): Promise<string> {
    if (fileIds.length < 1 || fileIds.length > MAX_PACKAGE_FILES) {
      return Promise.reject(
        new CloudError(
          "invalid",
          `A KooDrive package takes 1 to ${MAX_PACKAGE_FILES} items, not ${fileIds.length}.`,
        ),
      );
    }
    return this.#call(api.startPackage(fileIds, zipName, this.#containerId), signal, {
      retryOnlyAnswered: true,
    });
  }

  packageStatus(taskId: string, signal?: AbortSignal): Promise<PackageStatus> {
    return this.#call(api.packageStatus(taskId), signal);
  }

  /** Upload step 1: a new file in `parentId`, or a new version of `replaceId`. */
  createUpload(
    target: { parentId: string; name: string } | { replaceId: string },
    request: UploadRequest,
    signal?: AbortSignal,
  ): Promise<UploadSession> {
    const call =
      "replaceId" in target
        ? api.createRevision(target.replaceId, request, this.#containerId)
        : api.createFile(target.parentId, target.name, request, this.#containerId);
    return this.#call(call, signal);
  }

  /** Upload step 2: the addresses to PUT parts to. */
  uploadUrls(
    fileId: string,
    uploadId: string,
    parts: { partNumber: number; partSize: number }[],
    signal?: AbortSignal,
  ): Promise<PartAddress[]> {
    return this.#call(api.uploadUrls(fileId, uploadId, parts, this.#containerId), signal);
  }

  /** Sends one part's bytes to its address. */
  async putPart(
    address: PartAddress,
    body: AsyncIterable<Uint8Array>,
    options: { signal?: AbortSignal; onSent?: (bytes: number) => void },
  ): Promise<void> {
    let response: HttpResponse;
    try {
      response = await this.#http.send({
        url: new URL(address.uploadUrl),
        method: "PUT",
        headers: { "Content-Type": "application/octet-stream" },
        contentLength: address.partSize,
        body,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onSent ? { onSent: options.onSent } : {}),
      });
    } catch (error) {
      throw error instanceof CloudError
        ? error
        : new CloudError("transient", String(error), { cause: error });
    }
    if (response.status >= 200 && response.status < 300) return;
    throw this.#failure(response);
  }

  /** Upload step 3: the server joins the parts and checks their SHA-256. */
  complete(
    kind: "create" | "revision",
    fileId: string,
    uploadId: string,
    sha256: string,
    signal?: AbortSignal,
  ): Promise<void> {
    return this.#call(api.complete(kind, fileId, uploadId, sha256, this.#containerId), signal, {
      noRetryCodes: [CODES.integrity],
    });
  }

  #call<T>(call: ApiCall<T>, signal: AbortSignal | undefined, safety: RetrySafety<T> = {}): Promise<T> {
    const body = call.json === undefined ? undefined : Buffer.from(JSON.stringify(call.json), "utf8");
    return this.#http.retried(() => this.#once(call, body, signal), signal, safety);
  }

  /** One request; a refused token is renewed (when the account can) and the request sent once more. */
  async #once<T>(call: ApiCall<T>, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<T> {
    let token = await this.#token.current();
    for (let renewed = false; ; renewed = true) {
      const response = await this.#http.fetch(
        this.#http.url(API_PREFIX + call.path),
        {
          method: call.method,
          headers: { ...this.#token.headers(token), ...(body ? { "Content-Type": "application/json" } : {}) },
          ...(body ? { body } : {}),
        },
        signal,
      );
      try {
        const result = this.#interpret(response, call);
        this.#token.used(token);
        return result;
      } catch (error) {
        if (!renewed && isCloudError(error, "credentials")) {
          const fresh = await this.#token.renewAfterRefusal(token);
          if (fresh !== undefined) {
            token = fresh;
            continue;
          }
        }
        // Any answer at all proves the token was still known, except a refusal of it.
        if (!isCloudError(error, "credentials") && response.status < 500) this.#token.used(token);
        throw error;
      }
    }
  }

  #interpret<T>(response: HttpResponse, call: ApiCall<T>): T {
    const json = jsonOf(response);
    if (json === undefined) throw this.#failure(response);
    const head = envelope.safeParse(json);
    if (!head.success || !isSuccess(head.data.code) || response.status >= 300)
      throw this.#failure(response, json);
    const data = call.data.safeParse(json);
    if (!data.success) {
      throw new CloudError(
        "protocol",
        `KooDrive answered ${call.method} ${call.path} with an unexpected shape: ${data.error.message}`,
      );
    }
    return data.data;
  }

  #failure(response: HttpResponse, json = jsonOf(response)): CloudError {
    const head = envelope.safeParse(json);
    return errorFromAnswer(
      response.status,
      head.success ? head.data.code : undefined,
      head.success ? (head.data.msg ?? undefined) : undefined,
      this.#http.retryAt(response),
    );
  }
}
