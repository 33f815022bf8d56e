/**
 * A typed client for the KooDrive drive endpoints (docs/koodrive-api.md), over the token-carrying
 * transport: each answer validated, failures as CloudErrors, transient faults retried. Retries never
 * create a second object: a create that may have landed looks for its result, and jobs are started
 * again only when the server answered the first attempt.
 */
import { CloudError, isCloudError } from "../errors.ts";
import type { ServerTaskStatus } from "../provider.ts";
import type { RetryPolicy } from "../http/retry.ts";
import {
  CODES,
  JOB,
  MAX_JOB_ITEMS,
  MAX_PACKAGE_FILES,
  MAX_PAGE_SIZE,
  MAX_SHARE_FILES,
  api,
  type DownloadLink,
  type FilePage,
  type KooEntry,
  type PackageStatus,
  type PartAddress,
  type UploadRequest,
  type UploadSession,
} from "./adapter.ts";
import { KooDriveTransport, type KooDriveTransportOptions } from "./transport.ts";

export interface KooDriveClientOptions extends KooDriveTransportOptions {
  /** The account's space id; sent when known. */
  containerId?: string;
}

export type JobKind = keyof typeof JOB;

export class KooDriveClient {
  readonly transport: KooDriveTransport;
  readonly #containerId: string | undefined;

  constructor(options: KooDriveClientOptions) {
    this.transport = new KooDriveTransport(options);
    this.#containerId = options.containerId || undefined;
  }

  /** When the token lapses unless another call is made first (known once a call was answered). */
  get tokenExpiresAt(): number | undefined {
    return this.transport.token.expiresAt;
  }

  get retryPolicy(): RetryPolicy {
    return this.transport.http.retry;
  }

  close(): void {
    this.transport.close();
  }

  list(
    parentId: string,
    cursor: string | null = null,
    pageSize = MAX_PAGE_SIZE,
    signal?: AbortSignal,
  ): Promise<FilePage> {
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(pageSize)));
    return this.transport.call(api.list(parentId, cursor, size, this.#containerId), signal);
  }

  stat(fileId: string, signal?: AbortSignal): Promise<KooEntry> {
    return this.transport.call(api.detail(fileId, this.#containerId), signal);
  }
  downloadLinks(fileIds: string[], signal?: AbortSignal): Promise<DownloadLink[]> {
    return this.transport.call(api.downloadLinks(fileIds, this.#containerId), signal);
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
    return this.transport.call(api.createFolder(parentId, name, this.#containerId), signal, {
      afterConflictOnRetry: async () => {
        const found = await this.find(parentId, name, signal);
        return found?.kind === "folder" ? found : undefined;
      },
    });
  }

  /** Renames and answers the entry as it now is. */
  async rename(fileId: string, newName: string, signal?: AbortSignal): Promise<KooEntry> {
    await this.transport
      .call(api.rename(fileId, newName, this.#containerId), signal)
      .catch(async (error: unknown) => {
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
    return this.transport.call(
      api.startJob(JOB[kind], fileIds, kind === "delete" ? undefined : targetId, this.#containerId),
      signal,
      {
        retryOnlyAnswered: true,
      },
    );
  }

  job(jobId: string, signal?: AbortSignal): Promise<ServerTaskStatus> {
    return this.transport.call(api.job(jobId), signal);
  }

  /** Shares up to 100 files and folders (a link share valid for a day); answers the share id. */
  createShare(fileIds: string[], signal?: AbortSignal): Promise<string> {
    if (fileIds.length < 1 || fileIds.length > MAX_SHARE_FILES) {
      return Promise.reject(
        new CloudError(
          "invalid",
          `KooDrive shares 1 to ${MAX_SHARE_FILES} items at once, and a zip is packed from a share: ` +
            `select at most ${MAX_SHARE_FILES} items (a folder counts as one), not ${fileIds.length}.`,
        ),
      );
    }
    return this.transport.call(api.createShare(fileIds, this.#containerId), signal, {
      retryOnlyAnswered: true,
    });
  }

  /** Stops sharing; a share that is gone already counts as stopped. */
  async cancelShare(shareId: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.transport.call(api.cancelShares([shareId]), signal);
    } catch (error) {
      if (!isCloudError(error, "not-found")) throw error;
    }
  }

  /** Starts packing up to 1,000 files and folders of a share into one zip; answers the task id. */
  startPackage(
    fileIds: string[],
    zipName: string | undefined,
    shareId: string,
    signal?: AbortSignal,
  ): Promise<string> {
    if (fileIds.length < 1 || fileIds.length > MAX_PACKAGE_FILES) {
      return Promise.reject(
        new CloudError(
          "invalid",
          `A KooDrive package takes 1 to ${MAX_PACKAGE_FILES} items, not ${fileIds.length}.`,
        ),
      );
    }
    return this.transport.call(api.startPackage(fileIds, zipName, shareId, this.#containerId), signal, {
      retryOnlyAnswered: true,
    });
  }

  packageStatus(taskId: string, shareId: string, signal?: AbortSignal): Promise<PackageStatus> {
    return this.transport.call(api.packageStatus(taskId, shareId), signal);
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
    return this.transport.call(call, signal);
  }

  /** Upload step 2: the addresses to PUT parts to. */
  uploadUrls(
    fileId: string,
    uploadId: string,
    parts: { partNumber: number; partSize: number }[],
    signal?: AbortSignal,
  ): Promise<PartAddress[]> {
    return this.transport.call(api.uploadUrls(fileId, uploadId, parts, this.#containerId), signal);
  }

  /** Sends one part's bytes to its address. */
  putPart(
    address: PartAddress,
    body: AsyncIterable<Uint8Array>,
    options: { signal?: AbortSignal; onSent?: (bytes: number) => void },
  ): Promise<void> {
    return this.transport.send({
      url: new URL(address.uploadUrl),
      method: "PUT",
      headers: { "Content-Type": "application/octet-stream" },
      contentLength: address.partSize,
      body,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onSent ? { onSent: options.onSent } : {}),
    });
  }

  /** Upload step 3: the server joins the parts and checks their SHA-256. */
  complete(
    kind: "create" | "revision",
    fileId: string,
    uploadId: string,
    sha256: string,
    signal?: AbortSignal,
  ): Promise<void> {
    return this.transport.call(api.complete(kind, fileId, uploadId, sha256, this.#containerId), signal, {
      noRetryCodes: [CODES.integrity],
    });
  }
}
