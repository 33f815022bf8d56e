/** The sync engine's public shapes and the environment it runs in (every side effect comes in here). */
import type { ActivityEntry, PairView } from "../../../shared/model.ts";
import type { Phrase } from "../../../shared/i18n/phrase.ts";
import type { CloudProvider } from "../cloud/provider.ts";
import type { Journal, ScriptRule } from "../journal/index.ts";
import type { JobRunner } from "../tasks/runner.ts";
import type { IgnoreMatcher } from "./ignore-rules.ts";

export interface WatchHandle {
  /** Resolves once changes are being reported (a watcher that crawls first is not live at once). */
  ready?: Promise<void>;
  close(): Promise<void>;
}

export interface WatchEvents {
  /** Something may have changed at this absolute path (a hint: the engine checks with `stat`). */
  hint(path: string): void;
  /** The watcher cannot keep watching (inotify limit, too many open files); the pair rescans instead. */
  failed(error: Error): void;
}

export interface WatchOptions {
  /** The pair's ignore rules: the folders they ignore are not watched at all (a `.git` folder, say). */
  ignored?: IgnoreMatcher;
}

/** Starts watching a folder tree. Injected so tests can make a watcher fail. */
export type WatcherFactory = (root: string, events: WatchEvents, options?: WatchOptions) => WatchHandle;

export type { ScriptRule } from "../journal/index.ts";

/** One upload of a pair's file, as the journal recorded it. */
export interface UploadedFile {
  pairId: string;
  accountId: string;
  /** Relative to the pair's folder, with "/" separators. */
  path: string;
  remoteId: string;
  version: number;
  /** The task that showed the upload: the file's own task (large files), else the pass's sync task. */
  uploadTaskId?: string;
}

export interface SyncEngineDeps {
  /** docsync's own folder (settings, keys, journal): never paired, never synced. */
  home?: string;
  journal: Journal;
  /** Runs the uploads as jobs; its registry holds the passes' tasks, its poller follows server tasks. */
  runner: JobRunner;
  providerFor(accountId: string): CloudProvider;
  now?: () => number;
  /** Waits `ms` (on the engine's clock); defaults to a real timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  watch?: WatcherFactory;
  /** Full rescan of every watched pair this often (default 5 minutes). */
  rescanIntervalMs?: number;
  /** Quiet time after a watcher hint before the change is checked (default 60 ms). */
  debounceMs?: number;
  /**
   * Uploads in flight to start with (default 8): a pair's grow from there, per account, while the
   * service keeps up; dropped files' uploads stay at this many.
   */
  concurrency?: number;
  /** Uploads in flight per account at most (default 32, and never below `concurrency`). */
  maxConcurrency?: number;
  /** The upload bandwidth cap, over every account (none by default; `setBandwidth` changes it). */
  /** The backoff of a failed path's next tries (default: from 5 s, doubling, at most 5 minutes). */
  failedPathBackoff?: { baseDelayMs: number; maxDelayMs: number; random: () => number };
  /** How long a stop lets the requests in flight finish before it cuts them (default 5 s). */
  stopGraceMs?: number;
  bandwidthBytesPerSecond?: number;
  activity?: (entry: ActivityEntry) => void;
  /**
   * Cloud folders whose content a pair's sync changed (uploads, new folders, moves, renames,
   * deletes landed there), once per pass and account, so a UI showing them can refresh.
   */
  remoteChanged?: (accountId: string, folderIds: string[]) => void;
  /**
   * Called once per upload of a pair's file, after the journal recorded it. The call is recorded with
   * the upload: one that a crash or a stop interrupted (its promise had not settled) is made again at
   * the next start, so the callee must tolerate seeing an upload twice.
   */
  onUploaded?: (upload: UploadedFile) => void | Promise<void>;
}

export interface AddPairInput {
  accountId: string;
  localPath: string;
  remotePath: string;
  deletePolicy: "keep" | "mirror";
}

/** A path that failed: its reason in English, and the phrase it was said with (for the reader's language). */
export interface SyncFailure {
  path: string;
  reason: string;
  reasonPhrase?: Phrase;
}

export interface SyncSummary {
  uploaded: number;
  moved: number;
  renamed: number;
  deleted: number;
  unchanged: number;
  failed: number;
  failures: SyncFailure[];
}

export interface SyncOnceOptions {
  /** Lets this pass delete past the mass-delete guard. */
  allowMassDelete?: boolean;
}

export interface SyncEngine {
  addPair(input: AddPairInput): Promise<PairView>;
  removePair(pairId: string): Promise<void>;
  pause(pairId: string): Promise<PairView>;
  resume(pairId: string): Promise<PairView>;
  /** Lets the deletes held back by the mass-delete guard go ahead (`allow`) or drops them. */
  confirmDeletes(pairId: string, allow: boolean): Promise<PairView>;
  pairs(): PairView[];
  /** One full pass (scan, upload, move, delete, wait for server tasks) of one pair or of every unpaused pair. */
  syncOnce(pairId?: string, options?: SyncOnceOptions): Promise<SyncSummary>;
  /**
   * Watches every unpaused pair and keeps it in sync until `stop`. Resolves once every watcher is
   * live and each pair's start-up pass is queued, so a change made after it resolves is seen.
   */
  start(): Promise<void>;
  /** Stops watching and uploading; in-flight work stays resumable from the journal. */
  stop(): Promise<void>;
  subscribe(listener: (pairs: PairView[]) => void): () => void;
  /** A drop: files and folders (recursively) into a cloud folder, one upload job per file. */
  uploadPaths(input: {
    accountId: string;
    folderId: string;
    paths: string[];
  }): Promise<{ taskIds: string[] }>;
  /**
   * Sets (or, with null, removes) the script the pair runs on each uploaded document whose extension
   * the rule lists. Extensions are taken with or without their dot, in any case.
   */
  setPairScript(pairId: string, rule: ScriptRule | null): Promise<PairView>;
  pairScript(pairId: string): ScriptRule | null;
  /** The activity feed, newest last. */
  activity(limit?: number): ActivityEntry[];
  /** Caps the upload bandwidth (null: no cap); uploads on their way, a big file too, follow at once. */
  setBandwidth(bytesPerSecond: number | null): void;
}
