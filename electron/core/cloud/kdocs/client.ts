/**
 * A typed client for every endpoint of the KDocs application space (contract section 1), over the
 * signed transport. Retries never create a second object: a create that may have reached the server
 * looks for its result before it is sent again.
 */
import { CloudError } from "../errors.ts";
import type { RemoteEntry, ServerTaskStatus } from "../provider.ts";
import {
  MAX_LIST_COUNT,
  MAX_MOVE_BATCH,
  api,
  type AsyncUploadInput,
  type DownloadAddress,
  type FilePage,
} from "./adapter.ts";
import { KdocsTransport, type KdocsTransportOptions } from "./transport.ts";
import { uploadDirect, type DirectUploadInput } from "./upload.ts";

export type KdocsClientOptions = KdocsTransportOptions;
export type { DirectUploadInput } from "./upload.ts";

export class KdocsClient {
  readonly transport: KdocsTransport;

  constructor(options: KdocsClientOptions) {
    this.transport = new KdocsTransport(options);
  }

  /** Releases idle connections. */
  close(): void {
    this.transport.close();
  }

  stat(id: string, signal?: AbortSignal): Promise<RemoteEntry> {
    return this.transport.call(api.fileInfo(id), signal);
  }

  /** One page of a folder; `offset` null for the first. */
  list(
    parentId: string,
    page: { offset?: number | null; count?: number } = {},
    signal?: AbortSignal,
  ): Promise<FilePage> {
    const count = Math.min(MAX_LIST_COUNT, Math.max(1, page.count ?? MAX_LIST_COUNT));
    return this.transport.call(api.list(parentId, page.offset ?? null, count), signal);
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
    return this.transport.call(api.createFolder(parentId, name), signal, {
      // A create whose answer was lost leaves the folder there: the retry's conflict finds it.
      afterConflictOnRetry: async () => {
        const found = await this.find(parentId, name, signal);
        return found?.kind === "folder" ? found : undefined;
      },
    });
  }

  rename(id: string, newName: string, signal?: AbortSignal): Promise<RemoteEntry> {
    return this.transport.call(api.rename(id, newName), signal, {
      afterConflictOnRetry: async () => {
        const entry = await this.stat(id, signal);
        return entry.name === newName ? entry : undefined;
      },
    });
  }

  destroy(id: string, options: { modifier?: string } = {}, signal?: AbortSignal): Promise<void> {
    return this.transport.call(api.destroy(id, options.modifier), signal, { notFoundOnRetryIsDone: true });
  }

  downloadAddress(id: string, signal?: AbortSignal): Promise<DownloadAddress> {
    return this.transport.call(api.downloadAddress(id), signal);
  }

  /**
   * Asks the server to fetch `url` into a file. Retried only when the server answered a fault:
   * after a lost answer the import may already be running, and a second one would race it.
   */
  startAsyncUpload(input: AsyncUploadInput, signal?: AbortSignal): Promise<string> {
    return this.transport.call(api.startAsyncUpload(input), signal, { retryOnlyAnswered: true });
  }

  asyncUploadStatus(taskId: string, signal?: AbortSignal): Promise<ServerTaskStatus> {
    return this.transport.call(api.asyncUploadStatus(taskId), signal);
  }

  /** Starts a batch move; null when the server already completed it. */
  startMove(ids: string[], targetParentId: string, signal?: AbortSignal): Promise<string | null> {
    if (ids.length < 1 || ids.length > MAX_MOVE_BATCH) {
      return Promise.reject(
        new CloudError("invalid", `A batch move takes 1 to ${MAX_MOVE_BATCH} entries, not ${ids.length}.`),
      );
    }
    return this.transport.call(api.startMove(ids, targetParentId), signal, {
      afterConflictOnRetry: async () => {
        const entries = await Promise.all(ids.map((id) => this.stat(id, signal)));
        return entries.every((e) => e.parentId === targetParentId) ? null : undefined;
      },
    });
  }

  taskResult(taskId: string, signal?: AbortSignal): Promise<ServerTaskStatus> {
    return this.transport.call(api.taskResult(taskId), signal);
  }

  /** Streams a local file of at most 64 MiB into a folder (or over an existing file). */
  uploadFile(input: DirectUploadInput): Promise<RemoteEntry> {
    return uploadDirect(this, input);
  }
}
