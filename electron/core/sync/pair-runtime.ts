/**
 * A pair's state while the engine runs: its record, its pass queue, its watcher, and the cloud
 * folders it knows (few next to the files, which stay in the journal).
 */
import type { FileRecord, PairRecord } from "../journal/index.ts";
import type { KnownFolder } from "./plan.ts";
import { ipcFailure } from "../ipc-error.ts";
import { say, type Words } from "../words.ts";
import { isBelow, type EngineContext } from "./engine-context.ts";
import { parentOf } from "./plan.ts";
import type { ScanIssue } from "./scan.ts";
import type { SyncSummary, WatchHandle } from "./types.ts";

export interface PassJob {
  full: boolean;
  paths: Set<string>;
  allowMassDelete: boolean;
  waiters: { resolve(summary: SyncSummary): void; reject(error: unknown): void }[];
}

export interface PairRuntime {
  record: PairRecord;
  /** Known cloud folders by local path (few next to the files, which stay in the journal). */
  folders?: Map<string, KnownFolder>;
  phase: "idle" | "scanning" | "syncing";
  pendingFiles: number;
  scanIssues: ScanIssue[];
  heldDeletes: number;
  allowMassDeleteOnce: boolean;
  dropHeldDeletes: boolean;
  degraded?: Words;
  error?: Words;
  watcher?: WatchHandle;
  rescanTimer?: NodeJS.Timeout;
  /** The next try of the pair's failed paths. */
  retryTimer?: NodeJS.Timeout;
  hints: Set<string>;
  hintTimer?: NodeJS.Timeout;
  firstHintAt: number;
  running: boolean;
  next?: PassJob;
  controller: AbortController;
  removed: boolean;
  /** Cloud folders this pass changed, announced when it ends. */
  landed: Set<string>;
}

export function newRuntime(record: PairRecord): PairRuntime {
  return {
    record,
    phase: "idle",
    pendingFiles: 0,
    scanIssues: [],
    heldDeletes: 0,
    allowMassDeleteOnce: false,
    dropHeldDeletes: false,
    hints: new Set(),
    firstHintAt: 0,
    running: false,
    controller: new AbortController(),
    removed: false,
    landed: new Set(),
  };
}

export function runtimeOf(ctx: EngineContext, pairId: string): PairRuntime {
  const rt = ctx.runtimes.get(pairId);
  if (!rt) throw ipcFailure("not-found", say("errors.noPair", { id: pairId }));
  return rt;
}

export function loadFolders(ctx: EngineContext, rt: PairRuntime): Map<string, KnownFolder> {
  rt.folders ??= new Map(ctx.journal.folders(rt.record.id).map(({ path, ...folder }) => [path, folder]));
  return rt.folders;
}

/** The local path the pair's cloud folder with this id mirrors now. */
export function folderPathOf(rt: PairRuntime, remoteId: string): string | undefined {
  for (const [path, folder] of rt.folders ?? []) if (folder.remoteId === remoteId) return path;
  return undefined;
}

/** Notes that the cloud folder holding `path` (a pair-relative file or folder) changed. */
export function markLanded(rt: PairRuntime, path: string): void {
  const parent = parentOf(path);
  const id = parent === "" ? rt.record.remoteRootId : rt.folders?.get(parent)?.remoteId;
  if (id) rt.landed.add(id);
}

export function announceLanded(ctx: EngineContext, rt: PairRuntime): void {
  if (rt.landed.size === 0) return;
  const folderIds = [...rt.landed];
  rt.landed.clear();
  try {
    ctx.deps.remoteChanged?.(rt.record.accountId, folderIds);
  } catch {
    // A listener's failure is not the sync's.
  }
}

export function putFile(ctx: EngineContext, rt: PairRuntime, file: FileRecord): void {
  ctx.journal.putFile(rt.record.id, file);
}

export function forgetFile(ctx: EngineContext, rt: PairRuntime, path: string): void {
  ctx.journal.deleteFile(rt.record.id, path);
}

export function forgetFolder(ctx: EngineContext, rt: PairRuntime, folder: string): void {
  for (const path of [...(rt.folders?.keys() ?? [])])
    if (path === folder || isBelow(path, folder)) rt.folders?.delete(path);
  ctx.journal.deleteBelow(rt.record.id, folder);
}

export function movedInMemory(rt: PairRuntime, from: string, to: string, folder: boolean): void {
  const folders = rt.folders!;
  if (!folder) return;
  const moving = [...folders].filter(([path]) => path === from || isBelow(path, from));
  for (const [path] of moving) folders.delete(path);
  for (const [path, folder] of moving) folders.set(to + path.slice(from.length), folder);
}
