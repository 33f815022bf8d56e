/** Huawei KooDrive as a CloudProvider, plus the package download behind "Download as zip". */
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { setTimeout as delay } from "node:timers/promises";
import { CloudError, isCloudError } from "../errors.ts";
import type {
  CloudProvider,
  ListPage,
  MoveStart,
  RemoteEntry,
  ServerTaskRef,
  ServerTaskStatus,
} from "../provider.ts";
import { cancelled } from "../http/retry.ts";
import { MAX_FILE_SIZE, MAX_JOB_ITEMS, ROOT_ID, errorFromItem, type KooEntry } from "./adapter.ts";
import { KooDriveClient, type KooDriveClientOptions } from "./client.ts";
import { checkPartSize, uploadLocalFile } from "./upload.ts";

/** Without `refreshToken` a token KooDrive refuses means the account needs a new one. */
export interface KooDriveProviderConfig extends KooDriveClientOptions {
  /** Bytes per upload part (5 MiB to 5 GiB); files up to this size go up in one put. Default 8 MiB. */
  partSize?: number;
  /** How often `destroy` looks at its delete job; default 100 ms, backing off to 1 s. */
  pollIntervalMs?: number;
}

export interface KooDriveProvider extends CloudProvider {
  readonly kind: "koodrive";
  readonly client: KooDriveClient;
  /** Starts packing the entries (1 to 1,000 files or folders) into one zip: a "share" task to poll. */
  startZipDownload(ids: string[], zipName?: string, signal?: AbortSignal): Promise<ServerTaskRef>;
  /** The finished package's address (a plain GET, no token); fails while the task still runs. */
  zipDownloadUrl(taskId: string, signal?: AbortSignal): Promise<string>;
  /** Saves the finished package to `destination` (written beside it first, then renamed into place). */
  downloadZip(taskId: string, destination: string, signal?: AbortSignal): Promise<{ bytes: number }>;
  close(): void;
}

export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

export function createKooDriveProvider(config: KooDriveProviderConfig): KooDriveProvider {
  const client = new KooDriveClient(config);
  const partSize = checkPartSize(config.partSize ?? DEFAULT_PART_SIZE);
  const firstPoll = config.pollIntervalMs ?? 100;
  const fetchImpl = config.fetchImpl ?? ((input, init) => fetch(input, init));

  /** Polls a job the provider started for itself until it ends. */
  async function waitForJob(jobId: string, signal?: AbortSignal): Promise<ServerTaskStatus> {
    for (let wait = firstPoll; ; wait = Math.min(1000, wait * 1.5)) {
      const status = await client.job(jobId, signal);
      if (status.state !== "running") return status;
      try {
        await delay(wait, undefined, signal ? { signal } : {});
      } catch {
        throw cancelled(signal);
      }
    }
  }

  async function zipDownloadUrl(taskId: string, signal?: AbortSignal): Promise<string> {
    const status = await client.packageStatus(taskId, signal);
    if (status.state === "running")
      throw new CloudError("invalid", "The zip is still being packed on KooDrive.");
    if (!status.downloadUrl) {
      throw new CloudError("not-found", status.error?.message ?? "KooDrive produced no package.", {
        ...(status.error ? { code: status.error.code } : {}),
      });
    }
    return status.downloadUrl;
  }

  return {
    kind: "koodrive",
    rootId: ROOT_ID,
    directUploadLimit: MAX_FILE_SIZE,
    maxMoveBatch: MAX_JOB_ITEMS,
    client,
    close: () => client.close(),

    async verify(signal) {
      await client.list(ROOT_ID, null, 1, signal);
    },

    stat: (id, signal) => client.stat(id, signal).then(plain),

    async list(parentId, cursor, signal): Promise<ListPage> {
      const page = await client.list(parentId, cursor ?? null, undefined, signal);
      return { entries: page.entries.map(plain), next: page.next };
    },

    createFolder: (parentId, name, signal) => client.createFolder(parentId, name, signal).then(plain),
    rename: (id, newName, signal) => client.rename(id, newName, signal).then(plain),

    async destroy(id, signal) {
      const jobId = await client.startJob("delete", [id], undefined, signal);
      const status = await waitForJob(jobId, signal);
      const failure = status.failed[0];
      if (failure) throw errorFromItem(failure);
      if (status.state === "failed") {
        throw new CloudError("transient", status.error?.message ?? "KooDrive could not delete the entry.");
      }
    },

    async upload(source) {
      source.onPhase?.("uploading");
      const entry = await uploadLocalFile(
        client,
        {
          localPath: source.localPath,
          name: source.name,
          ...(source.replaceId !== undefined
            ? { replaceId: source.replaceId }
            : { parentId: source.parentId ?? ROOT_ID }),
          ...(source.expected ? { expected: source.expected } : {}),
          ...(source.onProgress ? { onProgress: source.onProgress } : {}),
          ...(source.resume ? { resume: source.resume } : {}),
          ...(source.signal ? { signal: source.signal } : {}),
        },
        { partSize },
      );
      return plain(entry);
    },

    async startMove(ids, targetParentId, signal): Promise<MoveStart> {
      const jobId = await client.startJob("move", ids, targetParentId, signal);
      return { done: false, task: { kind: "move", id: jobId } };
    },

    pollTask(task: ServerTaskRef, signal) {
      switch (task.kind) {
        case "move":
          return client.job(task.id, signal);
        case "share":
          return client.packageStatus(task.id, signal).then(({ downloadUrl: _url, ...status }) => status);
        default:
          return Promise.reject(new CloudError("invalid", `KooDrive has no ${task.kind} tasks.`));
      }
    },

    async startZipDownload(ids, zipName, signal) {
      const taskId = await client.startPackage(ids, zipName, signal);
      return { kind: "share", id: taskId };
    },

    zipDownloadUrl,

    async downloadZip(taskId, destination, signal) {
      const url = await zipDownloadUrl(taskId, signal);
      let response: Response;
      try {
        response = await fetchImpl(url, signal ? { signal } : {});
      } catch (error) {
        if (signal?.aborted) throw cancelled(signal);
        throw new CloudError("transient", `The package download failed (${(error as Error).message}).`, {
          cause: error,
        });
      }
      if (!response.ok || !response.body) {
        throw new CloudError(
          response.status === 404 ? "not-found" : response.status >= 500 ? "transient" : "protocol",
          `KooDrive answered HTTP ${response.status} for the package.`,
        );
      }
      const partial = `${destination}.part`;
      let bytes = 0;
      try {
        const counted = Readable.fromWeb(response.body as WebReadableStream).on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        await pipeline(counted, createWriteStream(partial), signal ? { signal } : {});
        await rename(partial, destination);
      } catch (error) {
        await rm(partial, { force: true });
        if (signal?.aborted) throw cancelled(signal);
        if (isCloudError(error)) throw error;
        throw new CloudError("transient", `Saving the package failed (${(error as Error).message}).`, {
          cause: error,
        });
      }
      return { bytes };
    },
  };
}

/** The provider's entry, without KooDrive's extra fields. */
function plain(entry: KooEntry): RemoteEntry {
  const { sha256: _sha256, ...rest } = entry;
  return rest;
}
