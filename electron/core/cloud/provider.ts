/**
 * What the engine, the task poller and the UI need from a cloud service. KDocs and KooDrive each
 * implement it in their own folder; nothing outside `cloud/<provider>/` knows a vendor's shapes.
 */
export interface RemoteEntry {
  id: string;
  name: string;
  kind: "file" | "folder";
  parentId: string;
  size: number;
  /** Lowercase hex MD5 of the content, when the service reports it. */
  md5?: string;
  version: number;
  /** Unix milliseconds. */
  mtime: number;
}

export interface ListPage {
  entries: RemoteEntry[];
  /** Opaque cursor for the next page, or null when this was the last. */
  next: string | null;
}

export interface UploadSource {
  localPath: string;
  /** Name in the cloud; defaults to the local file name. */
  name: string;
  /** Folder to upload into. Ignored when `replaceId` is given. */
  parentId?: string;
  /** Store a new version of this existing file instead of creating one. */
  replaceId?: string;
  /** The stat the caller planned with; the upload fails with kind "changed" when the file no longer matches. */
  expected?: { size: number; mtimeMs: number };
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/** A server-side job (an async import, a batch move, a script) that has to be polled. */
export interface ServerTaskRef {
  kind: "import" | "move" | "script" | "share";
  id: string;
}

export interface ServerTaskItemResult {
  id: string;
  code: number;
  message: string;
}

export interface ServerTaskStatus {
  state: "running" | "succeeded" | "partial" | "failed";
  current: number;
  /** -1 while unknown. */
  total: number;
  /** Items that failed (batch jobs). */
  failed: ServerTaskItemResult[];
  /** The entry the task produced (an import's file). */
  resultId?: string;
  error?: { code: number; message: string };
}

export type MoveStart = { done: true } | { done: false; task: ServerTaskRef };

export interface CloudProvider {
  readonly kind: "kdocs" | "koodrive";
  readonly rootId: string;
  /** Largest file `upload` takes directly. */
  readonly directUploadLimit: number;
  /** A cheap authenticated call; throws CloudError (credentials, clock, ...) when the account cannot work. */
  verify(signal?: AbortSignal): Promise<void>;
  stat(id: string, signal?: AbortSignal): Promise<RemoteEntry>;
  list(parentId: string, cursor?: string | null, signal?: AbortSignal): Promise<ListPage>;
  createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<RemoteEntry>;
  rename(id: string, newName: string, signal?: AbortSignal): Promise<RemoteEntry>;
  destroy(id: string, signal?: AbortSignal): Promise<void>;
  upload(source: UploadSource): Promise<RemoteEntry>;
  /** Moves up to `maxMoveBatch` entries that share one parent into `targetParentId`. */
  readonly maxMoveBatch: number;
  startMove(ids: string[], targetParentId: string, signal?: AbortSignal): Promise<MoveStart>;
  pollTask(task: ServerTaskRef, signal?: AbortSignal): Promise<ServerTaskStatus>;
}
