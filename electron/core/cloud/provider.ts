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
  /** Bytes sent in the current phase. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** Large files go through phases ("staging" the bytes, then the server "importing" them). */
  onPhase?: (phase: "uploading" | "staging" | "importing") => void;
  /**
   * Resumable uploads: the provider hands its progress (an upload id, acknowledged slices, a server
   * task id) to `save`, which the caller persists in the journal before the step counts as done, and
   * continues from `state` after a restart. `state` is undefined for a fresh upload.
   */
  resume?: {
    state: unknown;
    save(state: unknown): void;
    /** The saved state no longer fits (the service forgot the upload, the file changed): it is dropped. */
    dropped?(reason: string): void;
  };
  /**
   * Waits for a server task the upload started (an import), through the caller's shared poller.
   * Without it the provider polls by itself.
   */
  waitForTask?: (
    task: ServerTaskRef,
    onProgress: (current: number, total: number) => void,
    signal?: AbortSignal,
  ) => Promise<ServerTaskStatus>;
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
