/**
 * What the engine, the task poller and the UI need from a cloud service. KDocs and KooDrive each
 * implement it in their own folder; nothing outside `cloud/<provider>/` knows a vendor's shapes,
 * codes or words: a provider says what it can do and puts its own failures into words.
 */
import type { AccountView } from "../../../shared/model.ts";

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

/** Where a file's current content is served to a plain GET, and what the service says that content is. */
export interface DownloadSource {
  url: string;
  /** Bytes, when the service says. */
  size?: number;
  /** The content's hash as the service reports it (KDocs an MD5, KooDrive a SHA-256), lowercase hex. */
  digest?: { algorithm: "md5" | "sha256"; hex: string };
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
  /**
   * The stat the caller planned with; the upload fails with kind "changed" when the file no longer
   * matches. With the content's MD5 as well (a pair hashed the file to plan it), an upload that needs
   * that MD5 takes it instead of reading the file once more, and the service's MD5 of what it received
   * must be it.
   */
  expected?: { size: number; mtimeMs: number; md5?: string };
  /** Bytes sent in the current phase. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /**
   * Large files go through phases ("staging" the bytes, then the server "importing" them); an import
   * the service answers with a status word the contract does not know is "waiting for the service".
   */
  onPhase?: (phase: UploadPhase) => void;
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
    onProgress: TaskProgress,
    signal?: AbortSignal,
  ) => Promise<ServerTaskStatus>;
  signal?: AbortSignal;
}

export type UploadPhase = "uploading" | "staging" | "importing" | WaitingPhase;

/** The phase of a task whose service answered a status word the contract does not know. */
export type WaitingPhase = `waiting for the service (it says "${string}")`;

export function waitingPhase(word: string): WaitingPhase {
  return `waiting for the service (it says "${word}")`;
}

/** The service's word in a waiting phase, or undefined for any other phase. */
export function waitingWord(phase: string): string | undefined {
  return /^waiting for the service \(it says "(.*)"\)$/s.exec(phase)?.[1];
}

/** Each status answer of a server task; `status` is there for owners that show more than a count. */
export type TaskProgress = (current: number, total: number, status?: ServerTaskStatus) => void;

/**
 * How long a task whose service keeps answering a status word the contract does not know is waited
 * for (polled less and less often) before docsync gives up on it.
 */
export const UNKNOWN_STATUS_PATIENCE_MS = 24 * 60 * 60 * 1000;

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
  /** An unknown status word counts as "running": the task is waiting for the service. */
  state: "running" | "succeeded" | "partial" | "failed";
  /** The status word the service answered when the contract does not know it (the task keeps waiting). */
  unknownStatus?: string;
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

/** What a service can do, so neither the core nor the UI branches on the vendor. */
export type Capabilities = AccountView["capabilities"];

/** What an account of a kind is, known before any call is made. */
export interface ProviderTraits {
  readonly kind: "kdocs" | "koodrive";
  /** The top folder's id, as the service names it. */
  readonly rootId: string;
  readonly capabilities: Capabilities;
}

/** A failed item of a batch task (a move, a package), as the provider that ran it reads its code. */
export interface ItemFailure {
  code: number;
  message: string;
}

export interface CloudProvider extends ProviderTraits {
  /** Largest file `upload` takes directly. */
  readonly directUploadLimit: number;
  /** A cheap authenticated call; throws CloudError (credentials, clock, ...) when the account cannot work. */
  verify(signal?: AbortSignal): Promise<void>;
  stat(id: string, signal?: AbortSignal): Promise<RemoteEntry>;
  list(parentId: string, cursor?: string | null, signal?: AbortSignal): Promise<ListPage>;
  createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<RemoteEntry>;
  rename(id: string, newName: string, signal?: AbortSignal): Promise<RemoteEntry>;
  destroy(id: string, signal?: AbortSignal): Promise<void>;
  /** An address serving the file's current content; a folder has none (kind "invalid"). */
  downloadSource(id: string, signal?: AbortSignal): Promise<DownloadSource>;
  upload(source: UploadSource): Promise<RemoteEntry>;
  /** Moves up to `maxMoveBatch` entries that share one parent into `targetParentId`. */
  readonly maxMoveBatch: number;
  startMove(ids: string[], targetParentId: string, signal?: AbortSignal): Promise<MoveStart>;
  pollTask(task: ServerTaskRef, signal?: AbortSignal): Promise<ServerTaskStatus>;
  /** Why one item of a batch task failed, in words a user can act on ("its name is taken in the target folder"). */
  describeItemFailure(item: ItemFailure): string;
  /** The steps of `account check` only this service has (KDocs: a staged import, a script's status). */
  serviceChecks?(context: CheckContext): CheckStep[];
}

/** Where a check's service steps work: a folder of its own, with a small file it uploaded. */
export interface CheckContext {
  folderId: string;
  fileId: string;
  /** A folder on this computer for the small files a step sends. */
  localDir: string;
  /** The user access token of the personal-space APIs, when the account has one. */
  accessToken?: string;
}

export interface CheckStep {
  name: string;
  /** Why the step cannot run on this account (no staging store, no token); it is then reported as skipped. */
  skip?: string;
  /** Runs the step; answers what the service did, in words. */
  run(signal: AbortSignal): Promise<string>;
}

/** What a staging store needs to hold a file; `resume` is the staging's own resumable state. */
export type StageSource = Pick<
  UploadSource,
  "localPath" | "name" | "expected" | "onProgress" | "resume" | "signal"
>;

export interface StagedFile {
  /** Serves the bytes to a plain GET, so a service can import them. */
  url: string;
  size: number;
  mtimeMs: number;
}

/** A store that holds a large file at a URL a cloud service imports from (iFlytek OST for KDocs). */
export interface StagingProvider {
  stage(source: StageSource): Promise<StagedFile>;
  close(): void;
}
