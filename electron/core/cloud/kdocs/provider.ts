/** The KDocs application space as a CloudProvider. */
import { stat } from "node:fs/promises";
import { CloudError } from "../errors.ts";
import type { RetryPolicy } from "../http/retry.ts";
import type { FetchLike } from "../http/transport.ts";
import type { NoticeSink } from "../notices.ts";
import { createOstStaging } from "../ost/provider.ts";
import type {
  Capabilities,
  CloudProvider,
  ListPage,
  MoveStart,
  ProviderTraits,
  RemoteEntry,
  ServerTaskRef,
  StagingProvider,
  UploadSource,
} from "../provider.ts";
import {
  DIRECT_UPLOAD_LIMIT,
  MAX_LIST_COUNT,
  MAX_MOVE_BATCH,
  ROOT_TOKEN,
  describeItemFailure,
} from "./adapter.ts";
import { kdocsChecks } from "./check.ts";
import { KdocsClient } from "./client.ts";
import { stageAndImport } from "./upload.ts";

export interface LargeFileCredentials {
  baseUrl: string;
  appId: string;
  apiKey: string;
  apiSecret: string;
}

export interface KdocsProviderConfig {
  baseUrl: string;
  appId: string;
  appKey: string;
  /** The account's iFlytek OST credentials: files over the direct-upload limit are staged there. */
  largeFiles?: LargeFileCredentials;
  fetchImpl?: FetchLike;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** Entries per listing page (at most 500, the default). */
  listPageSize?: number;
  /** Told what KDocs (and OST) answer beyond the contract. */
  onNotice?: NoticeSink;
}

export interface KdocsProvider extends CloudProvider {
  readonly client: KdocsClient;
  /** The account's staging store for large files, when it has one. */
  readonly staging: StagingProvider | undefined;
  /** Releases idle connections. */
  close(): void;
}

/** What a KDocs account is and can do, from its settings alone. */
export function kdocsTraits(config: { largeFiles?: unknown }): ProviderTraits {
  // Beyond 64 MB, KDocs needs the OST staging credentials.
  const capabilities: Capabilities = {
    zipDownload: false,
    scripts: true,
    largeFiles: config.largeFiles !== undefined,
  };
  return { kind: "kdocs", rootId: ROOT_TOKEN, capabilities };
}

export function createKdocsProvider(config: KdocsProviderConfig): KdocsProvider {
  const http = {
    ...(config.fetchImpl ? { fetchImpl: config.fetchImpl } : {}),
    ...(config.now ? { now: config.now } : {}),
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.onNotice ? { onNotice: config.onNotice } : {}),
  };
  const client = new KdocsClient({
    baseUrl: config.baseUrl,
    appId: config.appId,
    appKey: config.appKey,
    ...http,
  });
  const staging = config.largeFiles
    ? createOstStaging(config.largeFiles, {
        ...(config.now ? { now: config.now } : {}),
        ...(config.onNotice ? { onNotice: config.onNotice } : {}),
      })
    : undefined;

  async function uploadLarge(source: UploadSource, size: number): Promise<RemoteEntry> {
    if (!staging) {
      throw new CloudError(
        "needs-config",
        `${source.name} (${size} bytes) is larger than ${formatMiB(DIRECT_UPLOAD_LIMIT)}: files that size go ` +
          "through the account's large-file (iFlytek OST) storage. Add its app id, API key and API secret to the account.",
      );
    }
    return stageAndImport(source, staging, client);
  }

  return {
    ...kdocsTraits(config),
    directUploadLimit: DIRECT_UPLOAD_LIMIT,
    maxMoveBatch: MAX_MOVE_BATCH,
    client,
    staging,
    close: () => {
      client.close();
      staging?.close();
    },
    describeItemFailure,
    serviceChecks: (context) =>
      kdocsChecks(
        {
          baseUrl: config.baseUrl,
          client,
          staging,
          ...(config.onNotice ? { onNotice: config.onNotice } : {}),
        },
        context,
      ),

    async verify(signal) {
      await client.list(ROOT_TOKEN, { count: 1 }, signal);
    },

    stat: (id, signal) => client.stat(id, signal),

    async downloadSource(id, signal) {
      const address = await client.downloadAddress(id, signal);
      return {
        url: address.url,
        size: address.size,
        ...(address.md5 ? { digest: { algorithm: "md5", hex: address.md5.toLowerCase() } } : {}),
      };
    },

    async list(parentId, cursor, signal): Promise<ListPage> {
      let offset: number | null = null;
      if (cursor !== undefined && cursor !== null) {
        if (!/^\d+$/.test(cursor)) throw new CloudError("invalid", `Not a KDocs listing cursor: ${cursor}`);
        offset = Number(cursor);
      }
      const page = await client.list(
        parentId,
        { offset, count: config.listPageSize ?? MAX_LIST_COUNT },
        signal,
      );
      return { entries: page.entries, next: page.nextOffset === null ? null : String(page.nextOffset) };
    },

    createFolder: (parentId, name, signal) => client.createFolder(parentId, name, signal),
    rename: (id, newName, signal) => client.rename(id, newName, signal),
    destroy: (id, signal) => client.destroy(id, {}, signal),

    async upload(source) {
      let size: number;
      try {
        size = (await stat(source.localPath)).size;
      } catch (error) {
        throw new CloudError("changed", `${source.localPath} can no longer be read.`, { cause: error });
      }
      if (source.expected && source.expected.size !== size) {
        throw new CloudError("changed", `${source.localPath} changed since it was planned for upload.`);
      }
      if (size > DIRECT_UPLOAD_LIMIT) return uploadLarge(source, size);
      source.onPhase?.("uploading");
      return client.uploadFile({
        localPath: source.localPath,
        name: source.name,
        ...(source.replaceId !== undefined
          ? { replaceId: source.replaceId }
          : { parentId: source.parentId ?? ROOT_TOKEN }),
        ...(source.expected ? { expected: source.expected } : {}),
        ...(source.onProgress ? { onProgress: source.onProgress } : {}),
        ...(source.signal ? { signal: source.signal } : {}),
      });
    },

    async startMove(ids, targetParentId, signal): Promise<MoveStart> {
      const taskId = await client.startMove(ids, targetParentId, signal);
      return taskId === null ? { done: true } : { done: false, task: { kind: "move", id: taskId } };
    },

    pollTask(task: ServerTaskRef, signal) {
      switch (task.kind) {
        case "move":
          return client.taskResult(task.id, signal);
        case "import":
          return client.asyncUploadStatus(task.id, signal);
        default:
          return Promise.reject(new CloudError("invalid", `KDocs appspace has no ${task.kind} tasks.`));
      }
    },
  };
}

function formatMiB(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}
