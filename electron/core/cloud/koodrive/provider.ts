/** Huawei KooDrive as a CloudProvider, plus the package download behind "Download as zip". */
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { CloudError, isCloudError } from "../errors.ts";
import type {
  Capabilities,
  CloudProvider,
  ListPage,
  MoveStart,
  ProviderTraits,
  RemoteEntry,
  ServerTaskRef,
  ServerTaskStatus,
} from "../provider.ts";
import { cancelled } from "../http/retry.ts";
import { pollUntilFinal } from "../task-wait.ts";
import {
  MAX_FILE_SIZE,
  MAX_JOB_ITEMS,
  ROOT_ID,
  describeItemFailure,
  errorFromItem,
  type KooEntry,
} from "./adapter.ts";
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

/** What a KooDrive account is and can do. */
export function kooDriveTraits(): ProviderTraits & { readonly kind: "koodrive" } {
  // Multipart uploads take files up to 200 GB; share tasks pack selections.
  const capabilities: Capabilities = { zipDownload: true, scripts: false, largeFiles: true };
  return { kind: "koodrive", rootId: ROOT_ID, capabilities };
}

/**
 * A package task belongs to the share it was made from, so its ref carries both: the ids stay opaque
 * to everyone but this provider.
 */
function packageRef(shareId: string, taskId: string): string {
  return `${encodeURIComponent(shareId)}/${encodeURIComponent(taskId)}`;
}

function fromPackageRef(ref: string): { shareId: string; taskId: string } {
  const slash = ref.indexOf("/");
  if (slash < 0)
    throw new CloudError("not-found", `No KooDrive package task ${ref}; start the download again.`);
  return {
    shareId: decodeURIComponent(ref.slice(0, slash)),
    taskId: decodeURIComponent(ref.slice(slash + 1)),
  };
}

export function createKooDriveProvider(config: KooDriveProviderConfig): KooDriveProvider {
  const client = new KooDriveClient(config);
  const partSize = checkPartSize(config.partSize ?? DEFAULT_PART_SIZE);
  const firstPoll = config.pollIntervalMs ?? 100;
  const fetchImpl = config.fetchImpl ?? ((input, init) => fetch(input, init));

  /** Polls a job the provider started for itself until it ends. */
  function waitForJob(jobId: string, signal?: AbortSignal): Promise<ServerTaskStatus> {
    return pollUntilFinal((s) => client.job(jobId, s), {
      firstMs: firstPoll,
      maxMs: 1000,
      ...(signal ? { signal } : {}),
      ...(config.now ? { now: config.now } : {}),
    });
  }

  function packageStatus(ref: string, signal?: AbortSignal) {
    const { shareId, taskId } = fromPackageRef(ref);
    return client.packageStatus(taskId, shareId, signal);
  }

  async function zipDownloadUrl(taskId: string, signal?: AbortSignal): Promise<string> {
    const status = await packageStatus(taskId, signal);
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
    ...kooDriveTraits(),
    directUploadLimit: MAX_FILE_SIZE,
    maxMoveBatch: MAX_JOB_ITEMS,
    client,
    close: () => client.close(),
    describeItemFailure,

    async verify(signal) {
      await client.list(ROOT_ID, null, 1, signal);
    },

    stat: (id, signal) => client.stat(id, signal).then(plain),

    async downloadSource(id, signal) {
      // The address answer names no hash; the detail gives the SHA-256 to check the bytes against.
      const entry = await client.stat(id, signal);
      if (entry.kind === "folder") {
        throw new CloudError("invalid", `"${entry.name}" is a folder; only files can be downloaded.`);
      }
      const link = (await client.downloadLinks([id], signal)).find((l) => l.fileId === id);
      if (!link) throw new CloudError("protocol", `KooDrive answered no download address for ${id}.`);
      if (!("url" in link)) throw errorFromItem({ id, code: link.code, message: link.message });
      return {
        url: link.url,
        size: entry.size,
        ...(entry.sha256 ? { digest: { algorithm: "sha256", hex: entry.sha256 } } : {}),
      };
    },

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
          return packageStatus(task.id, signal).then(({ downloadUrl: _url, ...status }) => status);
        default:
          return Promise.reject(new CloudError("invalid", `KooDrive has no ${task.kind} tasks.`));
      }
    },

    async startZipDownload(ids, zipName, signal) {
      // A package is made from a share [doc]: a share of exactly these items, stopped once saved.
      const shareId = await client.createShare(ids, signal);
      try {
        const taskId = await client.startPackage(ids, zipName, shareId, signal);
        return { kind: "share", id: packageRef(shareId, taskId) };
      } catch (error) {
        await client.cancelShare(shareId).catch(() => {});
        throw error;
      }
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
      // Saved: the share it was packed from is no longer needed (left alone, it lapses in a day).
      await client.cancelShare(fromPackageRef(taskId).shareId).catch(() => {});
      return { bytes };
    },
  };
}

/** The provider's entry, without KooDrive's extra fields. */
function plain(entry: KooEntry): RemoteEntry {
  const { sha256: _sha256, ...rest } = entry;
  return rest;
}
