/**
 * The sync engine: keeps each pair's cloud folder equal to its local folder. Passes are serialised
 * per pair; a pass scans (all of it, or only the paths the watcher hinted), plans, then creates
 * folders, moves, uploads and deletes, writing the journal after every step that succeeded.
 */
import { lstatSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import PQueue from "p-queue";
import type { ActivityEntry, PairView } from "../../../shared/model.ts";
import type { CloudProvider, RemoteEntry, ServerTaskRef } from "../cloud/provider.ts";
import { CloudError, isCloudError } from "../cloud/errors.ts";
import { ipcFailure } from "../ipc-error.ts";
import type { FileRecord, PairRecord, UploadedRecord } from "../journal/index.ts";
import type { TaskHandle } from "../tasks/types.ts";
import { createBandwidthLimiter } from "./bandwidth.ts";
import { createFileTasks, type FileTaskTracker } from "./file-tasks.ts";
import { md5File } from "./hash.ts";
import { ignoreFileName, loadIgnoreRules } from "./ignore-rules.ts";
import { parentOf, planChanges, type Plan, type UploadItem } from "./plan.ts";
import {
  backoffMs,
  callCloud,
  createQuotaGate,
  ensureFolder,
  ensureRemotePath,
  findChild,
  splitRemotePath,
  type CallPolicy,
} from "./remote.ts";
import { knownInScope, reconcileFolder } from "./reconcile.ts";
import { normalizeScriptRule } from "./script-rule.ts";
import { cancelledBy } from "./stop-reasons.ts";
import {
  reasonOf,
  sameStat,
  scanFolder,
  statPath,
  toNative,
  toRelative,
  type ScanIssue,
  type ScanResult,
} from "./scan.ts";
import type {
  AddPairInput,
  SyncEngine,
  SyncEngineDeps,
  SyncOnceOptions,
  SyncSummary,
  WatchHandle,
} from "./types.ts";
import { resumeDrops, startDrop, type DropContext } from "./upload-paths.ts";
import { defaultWatcher } from "./watcher.ts";

/** Deletes in one pass above which a mirror pair waits for confirmation. */
export const massDelete = { files: 50, share: 0.3, minimumForShare: 5 };
/** How many times a file that keeps changing while it uploads is tried before it is left for later. */
const settleAttempts = 20;
const settleMs = 200;
/** How long a stop waits for `onUploaded` calls still running. */
const hookGraceMs = 1000;
/** Quarantine backoff of a failing file: 30 s doubling, at most 1 hour. */
const quarantine = { baseMs: 30_000, capMs: 3_600_000 };

interface PassJob {
  full: boolean;
  paths: Set<string>;
  allowMassDelete: boolean;
  waiters: { resolve(summary: SyncSummary): void; reject(error: unknown): void }[];
}

interface PairRuntime {
  record: PairRecord;
  /** Known cloud folders by local path (few next to the files, which stay in the journal). */
  folders?: Map<string, string>;
  phase: "idle" | "scanning" | "syncing";
  pendingFiles: number;
  scanIssues: ScanIssue[];
  heldDeletes: number;
  allowMassDeleteOnce: boolean;
  dropHeldDeletes: boolean;
  degraded?: string;
  error?: string;
  watcher?: WatchHandle;
  rescanTimer?: NodeJS.Timeout;
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

/** What a pair's batch move keeps with its server task, to follow it after a restart. */
interface MoveContext {
  pairId: string;
  ids: string[];
  targetId: string;
}

const emptySummary = (): SyncSummary => ({
  uploaded: 0,
  moved: 0,
  renamed: 0,
  deleted: 0,
  unchanged: 0,
  failed: 0,
  failures: [],
});

const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);
const isBelow = (path: string, folder: string): boolean => path.startsWith(folder + "/");
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
/** Waits for `promise` at most `ms` (and leaves no timer behind to hold the process). */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  const stop = new AbortController();
  await Promise.race([
    promise.catch(() => {}),
    delay(Math.max(0, ms), undefined, { signal: stop.signal }).catch(() => {}),
  ]);
  stop.abort();
}
const isLocalError = (error: unknown): boolean =>
  typeof (error as NodeJS.ErrnoException)?.code === "string" && !(error instanceof CloudError);

export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const { journal, tasks, poller } = deps;
  const now = deps.now ?? Date.now;
  const sleep =
    deps.sleep ??
    ((ms: number, signal?: AbortSignal) => delay(Math.max(0, ms), undefined, { signal }).then(() => {}));
  const watch = deps.watch ?? defaultWatcher;
  const rescanIntervalMs = deps.rescanIntervalMs ?? 5 * 60_000;
  const debounceMs = deps.debounceMs ?? 60;
  const queue = new PQueue({ concurrency: deps.concurrency ?? 4 });
  const bandwidth = createBandwidthLimiter(deps.bandwidthBytesPerSecond, now, sleep);
  const listeners = new Set<(pairs: PairView[]) => void>();
  const runtimes = new Map<string, PairRuntime>();
  let started = false;
  let stopper = new AbortController();
  let notifyTimer: NodeJS.Timeout | undefined;

  const notify = (): void => {
    if (notifyTimer || listeners.size === 0) return;
    notifyTimer = setTimeout(() => {
      notifyTimer = undefined;
      const views = pairs();
      for (const listener of listeners) listener(views);
    }, 50);
    notifyTimer.unref();
  };
  const quota = createQuotaGate(now, sleep, notify);

  // Finished uploads are recorded together, one transaction per turn of the event loop rather than
  // one per file; what a crash loses here is found again in the cloud by the next start (adopted).
  // A write may answer an upload whose "uploaded" hook is due once the transaction is committed.
  const pendingWrites: (() => UploadedRecord | void)[] = [];
  let writesTimer: NodeJS.Immediate | undefined;
  const flushWrites = (): void => {
    if (writesTimer) clearImmediate(writesTimer);
    writesTimer = undefined;
    if (pendingWrites.length === 0) return;
    const writes = pendingWrites.splice(0);
    const due: UploadedRecord[] = [];
    journal.transaction(() => {
      for (const write of writes) {
        const uploaded = write();
        if (uploaded) due.push(uploaded);
      }
    });
    for (const uploaded of due) runUploadedHook(uploaded);
  };
  const writeSoon = (write: () => UploadedRecord | void): void => {
    pendingWrites.push(write);
    writesTimer ??= setImmediate(flushWrites);
  };
  const policy: CallPolicy = { now, sleep, quota };

  const log = (level: ActivityEntry["level"], text: string, pair?: PairRecord): void => {
    const entry = journal.appendEvent({
      time: now(),
      level,
      text,
      ...(pair ? { pairId: pair.id, accountId: pair.accountId } : {}),
    });
    deps.activity?.(entry);
  };

  for (const record of journal.pairs()) runtimes.set(record.id, newRuntime(record));
  const fileTasks = createFileTasks(tasks, (pairId) => runtimes.has(pairId));

  // ---- the "uploaded" hook ------------------------------------------------------------------

  const hooksRunning = new Map<string, Promise<void>>();
  const hookKey = (u: UploadedRecord): string => [u.pairId, u.path, u.remoteId, u.version].join("\u0000");

  /** Calls `onUploaded` for a recorded upload; its journal row goes once the call has settled. */
  function runUploadedHook(uploaded: UploadedRecord): void {
    const onUploaded = deps.onUploaded;
    const key = hookKey(uploaded);
    if (!onUploaded || hooksRunning.has(key) || stopper.signal.aborted) return;
    const rt = runtimes.get(uploaded.pairId);
    const forget = (): void => {
      try {
        journal.deleteUploadHook(uploaded);
      } catch {
        // The journal closed meanwhile: the call is made again at the next start.
      }
    };
    if (!rt) return forget();
    const run = (async () => {
      try {
        await onUploaded({
          pairId: uploaded.pairId,
          accountId: rt.record.accountId,
          path: uploaded.path,
          remoteId: uploaded.remoteId,
          version: uploaded.version,
          ...(uploaded.uploadTaskId ? { uploadTaskId: uploaded.uploadTaskId } : {}),
        });
      } catch (error) {
        try {
          log("warn", `After the upload of ${uploaded.path}: ${errorText(error)}`, rt.record);
        } catch {
          // The journal closed meanwhile.
        }
      }
      forget();
    })().finally(() => hooksRunning.delete(key));
    hooksRunning.set(key, run);
  }

  let hooksReplayed = false;
  function replayHooksOnce(): void {
    if (hooksReplayed || !deps.onUploaded) return;
    hooksReplayed = true;
    for (const uploaded of journal.uploadHooks()) runUploadedHook(uploaded);
  }

  function newRuntime(record: PairRecord): PairRuntime {
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

  function runtime(pairId: string): PairRuntime {
    const rt = runtimes.get(pairId);
    if (!rt) throw ipcFailure("not-found", `There is no sync pair ${pairId}.`);
    return rt;
  }

  /** Notes that the cloud folder holding `path` (a pair-relative file or folder) changed. */
  function markLanded(rt: PairRuntime, path: string): void {
    const parent = parentOf(path);
    const id = parent === "" ? rt.record.remoteRootId : rt.folders?.get(parent);
    if (id) rt.landed.add(id);
  }

  function announceLanded(rt: PairRuntime): void {
    if (rt.landed.size === 0) return;
    const folderIds = [...rt.landed];
    rt.landed.clear();
    try {
      deps.remoteChanged?.(rt.record.accountId, folderIds);
    } catch {
      // A listener's failure is not the sync's.
    }
  }

  function viewOf(rt: PairRuntime): PairView {
    const { record } = rt;
    const resetsAt = quota.blockedUntil(record.accountId);
    const failures = journal.failures(record.id);
    const issues = [
      ...failures.map((f) => ({
        path: f.path,
        reason: f.reason,
        ...(f.nextRetryAt ? { nextRetryAt: f.nextRetryAt } : {}),
      })),
      ...rt.scanIssues.filter((i) => !failures.some((f) => f.path === i.path)),
    ];
    let state: PairView["state"];
    let message: string;
    if (record.paused) [state, message] = ["paused", "paused"];
    else if (resetsAt !== undefined) {
      state = "waiting-quota";
      message = `waiting for the daily quota to reset at ${new Date(resetsAt).toISOString()}`;
    } else if (rt.heldDeletes > 0) {
      state = "needs-confirmation";
      message = `${rt.heldDeletes} deletions wait for confirmation`;
    } else if (rt.error) [state, message] = ["error", rt.error];
    else if (rt.phase === "scanning") [state, message] = ["scanning", "scanning"];
    else if (rt.phase === "syncing") [state, message] = ["syncing", `syncing ${rt.pendingFiles} files`];
    else if (rt.degraded)
      [state, message] = ["degraded", `degraded: ${rt.degraded}; rescanning periodically`];
    else [state, message] = ["idle", issues.length > 0 ? `in sync except ${issues.length} files` : "in sync"];
    return {
      id: record.id,
      accountId: record.accountId,
      localPath: record.localPath,
      remotePath: record.remotePath,
      deletePolicy: record.deletePolicy,
      state,
      message,
      pendingFiles: rt.pendingFiles,
      ...(resetsAt !== undefined ? { quotaResetsAt: resetsAt } : {}),
      pendingDeletes: rt.heldDeletes,
      issues,
      ...(record.scriptRule
        ? {
            script: {
              extensions: [...record.scriptRule.extensions],
              ...(record.scriptRule.name ? { name: record.scriptRule.name } : {}),
            },
          }
        : {}),
    };
  }

  function pairs(): PairView[] {
    return [...runtimes.values()].map(viewOf);
  }

  // ---- pass scheduling ----------------------------------------------------------------------

  function requestPass(
    rt: PairRuntime,
    paths: string[] | "full",
    options: SyncOnceOptions = {},
  ): Promise<SyncSummary> {
    rt.next ??= { full: false, paths: new Set(), allowMassDelete: false, waiters: [] };
    const job = rt.next;
    if (paths === "full") job.full = true;
    else for (const p of paths) job.paths.add(p);
    if (options.allowMassDelete) job.allowMassDelete = true;
    const done = new Promise<SyncSummary>((resolve, reject) => job.waiters.push({ resolve, reject }));
    if (!rt.running) void drain(rt);
    return done;
  }

  async function drain(rt: PairRuntime): Promise<void> {
    rt.running = true;
    while (rt.next) {
      const job = rt.next;
      rt.next = undefined;
      try {
        const summary = await pass(rt, job);
        for (const w of job.waiters) w.resolve(summary);
      } catch (error) {
        if (!rt.controller.signal.aborted && !stopper.signal.aborted) {
          rt.error = errorText(error);
          log("error", `Sync of ${rt.record.localPath} failed: ${rt.error}`, rt.record);
        }
        for (const w of job.waiters) w.reject(error);
      } finally {
        rt.phase = "idle";
        rt.pendingFiles = 0;
        flushWrites();
        announceLanded(rt);
        notify();
      }
    }
    rt.running = false;
  }

  function hint(rt: PairRuntime, absolute: string): void {
    const relative = toRelative(absolute.slice(rt.record.localPath.length + 1));
    if (absolute !== rt.record.localPath && !absolute.startsWith(rt.record.localPath + sep)) return;
    if (rt.hints.size === 0) rt.firstHintAt = Date.now();
    rt.hints.add(absolute === rt.record.localPath ? "" : relative);
    if (rt.hintTimer) clearTimeout(rt.hintTimer);
    // Quiet for `debounceMs` (an editor's temp-file-then-rename is one change), but never wait long.
    const wait = Math.max(0, Math.min(debounceMs, rt.firstHintAt + debounceMs * 4 - Date.now()));
    rt.hintTimer = setTimeout(() => {
      rt.hintTimer = undefined;
      const paths = [...rt.hints];
      rt.hints.clear();
      const full = paths.includes("") || paths.includes(ignoreFileName);
      requestPass(rt, full ? "full" : paths).catch(() => {});
    }, wait);
  }

  /** Starts the pair's watcher; resolves once it reports changes (or has failed: the pair rescans). */
  async function startWatching(rt: PairRuntime): Promise<void> {
    if (rt.watcher || rt.record.paused) return;
    let watcher: WatchHandle | undefined;
    try {
      watcher = watch(rt.record.localPath, {
        hint: (path) => hint(rt, path),
        failed: (error) => degrade(rt, error),
      });
      rt.watcher = watcher;
    } catch (error) {
      degrade(rt, error as Error);
    }
    scheduleRescan(rt);
    await watcher?.ready?.catch((error: unknown) => {
      if (rt.watcher === watcher) degrade(rt, error instanceof Error ? error : new Error(String(error)));
    });
  }

  /** Watching first, then the full pass: whatever changes in between is seen by one or the other. */
  async function watchAndSync(rt: PairRuntime): Promise<void> {
    await startWatching(rt);
    if (started && !rt.record.paused && !rt.removed) requestPass(rt, "full").catch(() => {});
  }

  let dropsResumed = false;
  function resumeDropsOnce(): void {
    if (dropsResumed) return;
    dropsResumed = true;
    resumeDrops(dropContext);
  }

  function degrade(rt: PairRuntime, error: Error): void {
    const code = (error as NodeJS.ErrnoException).code;
    rt.degraded =
      code === "ENOSPC"
        ? "the system's limit of watched folders (inotify) is reached"
        : code === "EMFILE"
          ? "too many open files to watch the folder"
          : `the folder watcher failed (${error.message})`;
    log(
      "warn",
      `${rt.record.localPath}: ${rt.degraded}; changes are found by rescanning instead.`,
      rt.record,
    );
    const watcher = rt.watcher;
    rt.watcher = undefined;
    void watcher?.close().catch(() => {});
    scheduleRescan(rt);
    notify();
  }

  function scheduleRescan(rt: PairRuntime): void {
    if (rt.rescanTimer) clearInterval(rt.rescanTimer);
    const every = rt.degraded ? Math.min(rescanIntervalMs, 30_000) : rescanIntervalMs;
    rt.rescanTimer = setInterval(() => requestPass(rt, "full").catch(() => {}), every);
    rt.rescanTimer.unref();
  }

  async function stopWatching(rt: PairRuntime): Promise<void> {
    if (rt.rescanTimer) clearInterval(rt.rescanTimer);
    if (rt.hintTimer) clearTimeout(rt.hintTimer);
    rt.rescanTimer = rt.hintTimer = undefined;
    rt.hints.clear();
    const watcher = rt.watcher;
    rt.watcher = undefined;
    await watcher?.close().catch(() => {});
  }

  // ---- one pass -----------------------------------------------------------------------------

  function loadFolders(rt: PairRuntime): Map<string, string> {
    rt.folders ??= new Map(journal.folders(rt.record.id).map((f) => [f.path, f.remoteId]));
    return rt.folders;
  }

  /** The hinted paths as they are on disk now. */
  async function scanHints(
    rt: PairRuntime,
    job: PassJob,
    ignored: ReturnType<typeof loadIgnoreRules>,
  ): Promise<ScanResult> {
    const root = rt.record.localPath;
    const result: ScanResult = { files: new Map(), folders: [], issues: [] };
    for (const path of job.paths) {
      if ([...job.paths].some((p) => p !== path && isBelow(path, p))) continue;
      if (
        path.split("/").some((_, i, parts) => ignored(parts.slice(0, i + 1).join("/"), i < parts.length - 1))
      )
        continue;
      const found = statPath(root, path);
      if (found.kind === "file") result.files.set(path, found.file);
      else if (found.kind === "special") result.issues.push({ path, reason: found.reason });
      else if (found.kind === "folder") {
        const below = await scanFolder(root, ignored, [path]);
        for (const [p, f] of below.files) result.files.set(p, f);
        result.folders.push(...below.folders);
        result.issues.push(...below.issues);
      }
    }
    return result;
  }

  async function pass(rt: PairRuntime, job: PassJob): Promise<SyncSummary> {
    const summary = emptySummary();
    if (rt.record.paused || rt.removed) return summary;
    const { record } = rt;
    const signal = AbortSignal.any([rt.controller.signal, stopper.signal]);
    const provider = deps.providerFor(record.accountId);
    const call = <T>(fn: () => Promise<T>): Promise<T> => callCloud(record.accountId, policy, fn, signal);

    const root = statSync(record.localPath, { throwIfNoEntry: false });
    if (!root?.isDirectory()) {
      // Never read a missing folder as "everything was deleted".
      throw new Error(`The local folder ${record.localPath} is missing; nothing was changed in the cloud.`);
    }
    if (!record.remoteRootId) {
      record.remoteRootId = await ensureRemotePath(provider, record.remotePath, call);
      journal.putPair(record);
    }
    const folders = loadFolders(rt);
    rt.error = undefined;
    rt.phase = "scanning";
    notify();
    const ignored = loadIgnoreRules(record.localPath);
    let scanned: ScanResult;
    let known: Map<string, FileRecord>;
    let unchanged = 0;
    if (job.full) {
      const reconciled = await reconcileFolder(record.localPath, ignored, journal, record.id, {
        hash: (path, size) => md5File(join(record.localPath, toNative(path)), size),
      });
      ({ scan: scanned, known, unchanged } = reconciled);
    } else {
      scanned = await scanHints(rt, job, ignored);
      known = knownInScope(journal, record.id, job.paths);
    }
    const scope = job.full
      ? () => true
      : (path: string) => {
          for (let p = path; ; p = parentOf(p)) {
            if (job.paths.has(p)) return true;
            if (p === "") return false;
          }
        };
    const plan = await planChanges({
      scan: scanned,
      inScope: scope,
      known,
      knownFolders: folders,
      ignored,
      hash: (path, size) => md5File(join(record.localPath, toNative(path)), size),
      stillThere: (r) => {
        const found = statPath(record.localPath, r.path);
        return found.kind !== "none";
      },
      // A full pass saw every known path: a moved file's old path is among the vanished ones.
      withIno: (ino) => (job.full ? [] : journal.filesWithIno(record.id, ino)),
    });
    if (!job.full && (plan.deletes.length > 0 || plan.deletedFolders.length > 0)) {
      // A vanished path may be half of a move whose other half the watcher has not reported yet.
      return pass(rt, { ...job, full: true });
    }
    if (job.full) rt.scanIssues = plan.issues;
    else {
      const fresh = new Set(plan.issues.map((i) => i.path));
      rt.scanIssues = [
        ...rt.scanIssues.filter((i) => !scope(i.path) || fresh.has(i.path)),
        ...plan.issues.filter((i) => !rt.scanIssues.some((o) => o.path === i.path)),
      ];
    }
    summary.unchanged = unchanged + plan.unchanged;
    for (const issue of plan.issues) summary.failures.push(issue);

    journal.transaction(() => {
      for (const t of plan.touched) putFile(rt, { ...t.record, ...t.local });
      for (const path of plan.forgotten) forgetFile(rt, path);
      // New files wait in the journal with every other file not uploaded yet; uploads stream from there.
      for (const u of plan.uploads) {
        if (!u.replaceId)
          putFile(rt, { path: u.path, ...u.local, md5: u.md5, remoteId: null, remoteVersion: null });
      }
    });

    // Quarantined files wait for their retry time; everything else flows.
    const failures = new Map(journal.failures(record.id).map((f) => [f.path, f]));
    const waiting = (path: string): boolean => {
      const failure = failures.get(path);
      if (!failure?.nextRetryAt || failure.nextRetryAt <= now()) return false;
      summary.failures.push({ path, reason: failure.reason });
      return true;
    };
    const versions = plan.uploads.filter((u) => u.replaceId && !waiting(u.path));
    const newFiles = journal.unsyncedCount(record.id);

    const deleteCount =
      plan.deletes.length + plan.deletedFolders.reduce((n, f) => n + Math.max(1, f.files.length), 0);
    let doDeletes = record.deletePolicy === "keep" || deleteCount === 0;
    if (!doDeletes) {
      const allowed = job.allowMassDelete || rt.allowMassDeleteOnce;
      const mass =
        deleteCount > massDelete.files ||
        (deleteCount > massDelete.minimumForShare &&
          deleteCount > massDelete.share * journal.fileCount(record.id));
      if (rt.dropHeldDeletes) {
        journal.transaction(() => {
          for (const r of plan.deletes) forgetFile(rt, r.path);
          for (const f of plan.deletedFolders) forgetFolder(rt, f.path);
        });
        rt.dropHeldDeletes = false;
        rt.heldDeletes = 0;
      } else if (mass && !allowed) {
        if (rt.heldDeletes !== deleteCount) {
          log(
            "warn",
            `${deleteCount} files were deleted locally; the cloud copies are kept until you confirm.`,
            record,
          );
        }
        rt.heldDeletes = deleteCount;
      } else doDeletes = true;
    }
    if (doDeletes) rt.heldDeletes = 0;

    const work =
      versions.length +
      newFiles +
      plan.moves.length +
      plan.folderMoves.length +
      (doDeletes && record.deletePolicy === "mirror" ? deleteCount : 0);
    let task: TaskHandle | undefined;
    let done = 0;
    if (work > 0 || plan.newFolders.length > 0) {
      rt.phase = "syncing";
      rt.pendingFiles = work;
      notify();
      task = tasks.create({
        kind: "sync",
        title: `Sync ${record.localPath}`,
        pairId: record.id,
        accountId: record.accountId,
        cancellable: false,
      });
      task.start();
      task.progress(0, work, "items");
    }
    const step = (): void => {
      done += 1;
      rt.pendingFiles = Math.max(0, work - done);
      task?.progress(done, work, "items");
      notify();
    };
    const fail = (path: string, reason: string): void => {
      summary.failed += 1;
      summary.failures.push({ path, reason });
    };

    const ensureLocalFolder = async (path: string): Promise<string> => {
      if (path === "") return record.remoteRootId!;
      const known = folders.get(path);
      if (known) return known;
      const parentId = await ensureLocalFolder(parentOf(path));
      const created = await call(() => ensureFolder(provider, parentId, baseName(path), signal));
      rt.landed.add(parentId);
      folders.set(path, created.id);
      journal.putFolder(record.id, { path, remoteId: created.id });
      return created.id;
    };

    await runMoves(rt, plan, { provider, call, ensureLocalFolder, summary, step, fail, signal });
    if (job.full) dropStaleMoves(rt);
    for (const folder of plan.newFolders) {
      try {
        await ensureLocalFolder(folder);
      } catch (error) {
        if (signal.aborted) throw error;
        fail(folder, `cannot create the cloud folder: ${errorText(error)}`);
      }
    }

    await uploadAll(rt, versions, waiting, {
      upload: async (item) => {
        const outcome = await uploadOne(rt, item, {
          provider,
          ensureLocalFolder,
          signal,
          ...(task ? { passTaskId: task.id } : {}),
        });
        if (outcome === "uploaded") summary.uploaded += 1;
        else if (outcome === "vanished") {
          if (!item.replaceId) journal.deleteFile(record.id, item.path);
        } else fail(item.path, outcome.reason);
        step();
      },
      signal,
    });

    if (doDeletes) await runDeletes(rt, plan, { provider, call, summary, step, fail, signal });
    if (job.full) settleFileTasks(rt);

    if (task) {
      if (summary.failed > 0) {
        task.partial(
          summary.failures.map((f) => ({ id: f.path, name: f.path, reason: f.reason })),
          `${summary.failed} files failed`,
        );
      } else task.succeed();
    }
    const changed = summary.uploaded + summary.moved + summary.renamed + summary.deleted;
    if (changed > 0 || summary.failed > 0) {
      log(
        summary.failed > 0 ? "warn" : "info",
        `${record.localPath}: ${summary.uploaded} uploaded, ${summary.moved} moved, ${summary.renamed} renamed, ${summary.deleted} deleted, ${summary.failed} failed`,
        record,
      );
    }
    if (rt.allowMassDeleteOnce && doDeletes) rt.allowMassDeleteOnce = false;
    summary.failed = summary.failures.length;
    return summary;
  }

  /**
   * New versions of changed files, then every file the journal holds without a cloud copy, read in
   * pages and queued a few at a time: a first sync of 100,000 files never holds them all in memory.
   */
  async function uploadAll(
    rt: PairRuntime,
    versions: UploadItem[],
    waiting: (path: string) => boolean,
    ctx: { upload(item: UploadItem): Promise<void>; signal: AbortSignal },
  ): Promise<void> {
    const running = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    const ahead = Math.max(8, queue.concurrency * 2);
    const submit = async (item: UploadItem): Promise<void> => {
      const tracked: Promise<void> = queue
        .add(() => ctx.upload(item))
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(tracked));
      running.add(tracked);
      if (queue.size >= ahead) await queue.onSizeLessThan(ahead);
    };
    for (const item of versions) await submit(item);
    const root = rt.record.localPath;
    for (let after = "", page: FileRecord[]; !failure && !ctx.signal.aborted; after = page.at(-1)!.path) {
      page = journal.unsyncedFiles(rt.record.id, after, 256);
      if (page.length === 0) break;
      for (const r of page) {
        if (waiting(r.path)) continue;
        const local = { size: r.size, mtimeMs: r.mtimeMs, ino: r.ino };
        const md5 = r.md5 ?? (await md5File(join(root, toNative(r.path)), r.size).catch(() => undefined));
        if (md5 !== undefined) await submit({ path: r.path, local, md5 });
      }
    }
    await Promise.all(running);
    flushWrites();
    if (failure) throw failure.error;
    ctx.signal.throwIfAborted();
  }

  function putFile(rt: PairRuntime, file: FileRecord): void {
    journal.putFile(rt.record.id, file);
  }
  function forgetFile(rt: PairRuntime, path: string): void {
    journal.deleteFile(rt.record.id, path);
  }
  function forgetFolder(rt: PairRuntime, folder: string): void {
    for (const path of [...(rt.folders?.keys() ?? [])])
      if (path === folder || isBelow(path, folder)) rt.folders?.delete(path);
    journal.deleteBelow(rt.record.id, folder);
  }
  function movedInMemory(rt: PairRuntime, from: string, to: string, folder: boolean): void {
    const folders = rt.folders!;
    if (!folder) return;
    for (const [path, id] of [...folders]) {
      if (path !== from && !isBelow(path, from)) continue;
      folders.delete(path);
      folders.set(to + path.slice(from.length), id);
    }
  }

  interface StepContext {
    provider: CloudProvider;
    call: <T>(fn: () => Promise<T>) => Promise<T>;
    summary: SyncSummary;
    step(): void;
    fail(path: string, reason: string): void;
    signal: AbortSignal;
  }

  /** Server moves grouped by source folder and target (one batch call each), then renames. */
  async function runMoves(
    rt: PairRuntime,
    plan: Plan,
    ctx: StepContext & { ensureLocalFolder(path: string): Promise<string> },
  ): Promise<void> {
    const folders = rt.folders!;
    const items = [
      ...plan.folderMoves.map((m) => ({ ...m, folder: true, id: folders.get(m.from), move: undefined })),
      ...plan.moves.map((m) => ({
        from: m.from,
        to: m.to,
        folder: false,
        id: m.record.remoteId ?? undefined,
        move: m,
      })),
    ];
    const groups = new Map<string, typeof items>();
    for (const item of items) {
      const key = `${parentOf(item.from)}\u0000${parentOf(item.to)}`;
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      const sameFolder = parentOf(first.from) === parentOf(first.to);
      let moved = group.filter((i) => i.id);
      for (const i of group) if (!i.id) ctx.fail(i.to, "the cloud copy of the moved item is unknown");
      if (!sameFolder) {
        let targetId: string;
        try {
          targetId = await ctx.ensureLocalFolder(parentOf(first.to));
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          for (const i of moved) ctx.fail(i.to, `cannot create the cloud folder: ${errorText(error)}`);
          continue;
        }
        const ok: typeof moved = [];
        for (let at = 0; at < moved.length; at += ctx.provider.maxMoveBatch) {
          const batch = moved.slice(at, at + ctx.provider.maxMoveBatch);
          const failedIds = await moveBatch(
            rt,
            batch.map((i) => i.id!),
            targetId,
            ctx,
          );
          for (const i of batch) {
            if (failedIds.has(i.id!)) ctx.fail(i.to, `the cloud move failed: ${failedIds.get(i.id!)}`);
            else ok.push(i);
          }
        }
        moved = ok;
      }
      for (const item of moved) {
        if (baseName(item.from) !== baseName(item.to)) {
          try {
            await ctx.call(() => ctx.provider.rename(item.id!, baseName(item.to), ctx.signal));
            ctx.summary.renamed += 1;
          } catch (error) {
            if (ctx.signal.aborted) throw error;
            ctx.fail(item.to, `the cloud rename failed: ${errorText(error)}`);
            // The server move happened: record the new folder under the old name.
            const halfway = `${parentOf(item.to) ? parentOf(item.to) + "/" : ""}${baseName(item.from)}`;
            if (!sameFolder) recordMove(rt, item.from, halfway, item.folder, item.move?.local);
            ctx.step();
            continue;
          }
        }
        if (!sameFolder) ctx.summary.moved += 1;
        recordMove(rt, item.from, item.to, item.folder, item.move?.local);
        ctx.step();
      }
    }
  }

  function recordMove(
    rt: PairRuntime,
    from: string,
    to: string,
    folder: boolean,
    local?: FileRecord | { size: number; mtimeMs: number; ino: number },
  ): void {
    markLanded(rt, from);
    journal.transaction(() => {
      journal.movePath(rt.record.id, from, to, folder);
      movedInMemory(rt, from, to, folder);
      markLanded(rt, to);
      if (!folder && local) {
        const record = journal.file(rt.record.id, to);
        if (record) putFile(rt, { ...record, size: local.size, mtimeMs: local.mtimeMs, ino: local.ino });
      }
    });
  }

  /** Moves one batch; returns the ids that did not arrive in the target, with the reason. */
  async function moveBatch(
    rt: PairRuntime,
    ids: string[],
    targetId: string,
    ctx: StepContext,
  ): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    try {
      // The same move started before a restart is followed to its end, not started again.
      const saved = savedMove(rt, ids, targetId);
      const start = saved
        ? { done: false as const, task: saved }
        : await ctx.call(() => ctx.provider.startMove(ids, targetId, ctx.signal));
      if (start.done) return failed;
      const status = await poller.wait(rt.record.accountId, start.task, {
        signal: ctx.signal,
        context: { pairId: rt.record.id, ids, targetId },
      });
      for (const item of status.failed) failed.set(item.id, item.message || `code ${item.code}`);
      if (status.state === "failed" && status.failed.length === 0) {
        for (const id of ids) failed.set(id, status.error?.message ?? "the move task failed");
      }
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      for (const id of ids) failed.set(id, errorText(error));
    }
    // A move that ran before a crash (journal not yet updated) is refused now: check where things are.
    for (const id of [...failed.keys()]) {
      const entry = await ctx.call(() => ctx.provider.stat(id, ctx.signal)).catch(() => undefined);
      if (entry?.parentId === targetId) failed.delete(id);
    }
    return failed;
  }

  function isMoveContext(value: unknown): value is MoveContext {
    const c = value as MoveContext | undefined;
    return typeof c?.pairId === "string" && typeof c.targetId === "string" && Array.isArray(c.ids);
  }

  /** The server move of exactly these items into `targetId` that this pair was waiting for, if any. */
  function savedMove(rt: PairRuntime, ids: string[], targetId: string): ServerTaskRef | undefined {
    const wanted = new Set(ids);
    for (const task of poller.pending()) {
      const c = task.context;
      if (task.kind !== "move" || !isMoveContext(c) || c.pairId !== rt.record.id) continue;
      if (c.targetId !== targetId || c.ids.length !== wanted.size || !c.ids.every((id) => wanted.has(id)))
        continue;
      return { kind: "move", id: task.id.slice(task.kind.length + 1) };
    }
    return undefined;
  }

  /** Saved moves of this pair that no longer match anything to do (the plan changed since). */
  function dropStaleMoves(rt: PairRuntime): void {
    for (const task of poller.pending()) {
      if (task.kind === "move" && isMoveContext(task.context) && task.context.pairId === rt.record.id)
        journal.deleteServerTask(task.id);
    }
  }

  async function runDeletes(rt: PairRuntime, plan: Plan, ctx: StepContext): Promise<void> {
    const mirror = rt.record.deletePolicy === "mirror";
    const destroy = async (id: string): Promise<void> => {
      try {
        await ctx.call(() => ctx.provider.destroy(id, ctx.signal));
      } catch (error) {
        if (!isCloudError(error, "not-found")) throw error;
      }
    };
    for (const folder of plan.deletedFolders) {
      const id = rt.folders!.get(folder.path);
      try {
        if (mirror) {
          if (id) await destroy(id);
          else for (const f of folder.files) if (f.remoteId) await destroy(f.remoteId);
          ctx.summary.deleted += folder.files.length;
          markLanded(rt, folder.path);
        }
        journal.transaction(() => forgetFolder(rt, folder.path));
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        ctx.fail(folder.path, `the cloud delete failed: ${errorText(error)}`);
      }
      if (mirror) ctx.step();
    }
    for (const record of plan.deletes) {
      try {
        if (mirror && record.remoteId) {
          await destroy(record.remoteId);
          ctx.summary.deleted += 1;
          markLanded(rt, record.path);
        }
        journal.transaction(() => forgetFile(rt, record.path));
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        ctx.fail(record.path, `the cloud delete failed: ${errorText(error)}`);
      }
      if (mirror) ctx.step();
    }
  }

  type UploadOutcome = "uploaded" | "vanished" | { reason: string };
  interface UploadContext {
    provider: CloudProvider;
    ensureLocalFolder(path: string): Promise<string>;
    signal: AbortSignal;
  }

  /**
   * Uploads one file, retrying what is worth retrying; a file that keeps failing is quarantined.
   * A large file's own task follows it and ends with it (it stays open when the pass is aborted,
   * for the upload to continue after a restart or a resume).
   */
  async function uploadOne(
    rt: PairRuntime,
    planned: UploadItem,
    ctx: UploadContext & { passTaskId?: string },
  ): Promise<UploadOutcome> {
    const tracker = fileTasks.track(rt.record, planned.path, planned.local.size);
    const outcome = await uploadTracked(rt, planned, ctx, tracker);
    if (outcome === "uploaded") tracker.succeed();
    else if (outcome === "vanished") tracker.fail("The file no longer exists.");
    else tracker.fail(outcome.reason);
    return outcome;
  }

  async function uploadTracked(
    rt: PairRuntime,
    planned: UploadItem,
    ctx: UploadContext & { passTaskId?: string },
    tracker: FileTaskTracker,
  ): Promise<UploadOutcome> {
    const { record } = rt;
    const uploadTaskId = (): string | undefined => tracker.taskId ?? ctx.passTaskId;
    const absolute = join(record.localPath, toNative(planned.path));
    const key = `pair:${record.id}:${planned.path}`;
    let item = planned;
    let attempt = 0;
    let changes = 0;
    const quarantineFor = (reason: string): UploadOutcome => {
      const previous = journal.failures(record.id).find((f) => f.path === item.path);
      const attempts = (previous?.attempts ?? 0) + 1;
      const nextRetryAt = now() + backoffMs(attempts - 1, quarantine.baseMs, quarantine.capMs);
      journal.putFailure(record.id, { path: item.path, reason, attempts, nextRetryAt });
      log("warn", `${item.path}: ${reason} (next try ${new Date(nextRetryAt).toISOString()})`, record);
      return { reason };
    };
    for (;;) {
      await quota.wait(record.accountId, ctx.signal);
      await bandwidth.take(item.local.size, ctx.signal);
      const sentBefore = tracker.sentBytes;
      try {
        const parentId = item.replaceId ? undefined : await ctx.ensureLocalFolder(parentOf(item.path));
        const inflight = journal.upload(key);
        const entry = await ctx.provider.upload({
          localPath: absolute,
          name: baseName(item.path),
          ...(item.replaceId ? { replaceId: item.replaceId } : { parentId: parentId! }),
          expected: { size: item.local.size, mtimeMs: item.local.mtimeMs },
          onPhase: (phase) => tracker.onPhase(phase),
          onProgress: (sent, total) => tracker.onProgress(sent, total),
          resume: {
            state: inflight?.resume,
            save: (state) =>
              journal.putUpload({ key, pairId: record.id, path: item.path, resume: state, updatedAt: now() }),
          },
          waitForTask: poller.waiterFor(record.accountId),
          signal: ctx.signal,
        });
        recordUpload(rt, item, entry, key, uploadTaskId());
        const after = statPath(record.localPath, item.path);
        if (after.kind === "file" && !sameStat(after.file, item.local)) {
          // Changed right after the upload read it: the journal holds what was sent; go again once settled.
          setTimeout(() => requestPass(rt, [item.path]).catch(() => {}), settleMs).unref();
        }
        return "uploaded";
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        // What was not sent (a refusal before the first byte) is not charged against the other files.
        bandwidth.giveBack(item.local.size - (tracker.sentBytes - sentBefore));
        if (isLocalError(error)) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "ENOENT") return "vanished";
          return quarantineFor(reasonOf(error));
        }
        if (isCloudError(error, "changed")) {
          if (++changes > settleAttempts)
            return { reason: "the file keeps changing; it will be uploaded once it settles" };
          const settled = await settle(record.localPath, item.path, ctx.signal);
          if (!settled) return "vanished";
          item = { ...item, local: settled, md5: await md5File(absolute, settled.size) };
          continue;
        }
        if (isCloudError(error, "quota")) {
          quota.block(record.accountId, error.retryAt ?? now() + 60_000);
          continue;
        }
        if (isCloudError(error, "conflict") && !item.replaceId) {
          const adopted = await adopt(rt, item, key, ctx, uploadTaskId());
          if (adopted === "adopted") return "uploaded";
          if (adopted) {
            item = { ...item, replaceId: adopted };
            continue;
          }
          return quarantineFor(`the cloud refused it: ${error.message}`);
        }
        if (isCloudError(error, "not-found") && item.replaceId) {
          // The cloud copy was deleted there: upload the file afresh.
          const { replaceId: _gone, ...fresh } = item;
          item = fresh;
          continue;
        }
        if (isCloudError(error, "transient") && attempt < 4) {
          const retryIn = error.retryAt !== undefined ? error.retryAt - now() : undefined;
          await sleep(backoffMs(attempt++, 300, 10_000, retryIn), ctx.signal);
          continue;
        }
        return quarantineFor(errorText(error));
      }
    }
  }

  function recordUpload(
    rt: PairRuntime,
    item: UploadItem,
    entry: RemoteEntry,
    key: string,
    uploadTaskId: string | undefined,
  ): void {
    writeSoon(() => {
      putFile(rt, {
        path: item.path,
        size: item.local.size,
        mtimeMs: item.local.mtimeMs,
        ino: item.local.ino,
        md5: item.md5,
        remoteId: entry.id,
        remoteVersion: entry.version,
      });
      journal.deleteUpload(key);
      journal.clearFailure(rt.record.id, item.path);
      if (!deps.onUploaded) return;
      const uploaded: UploadedRecord = {
        pairId: rt.record.id,
        path: item.path,
        remoteId: entry.id,
        version: entry.version,
        uploadTaskId: uploadTaskId ?? null,
      };
      journal.putUploadHook(uploaded, now());
      return uploaded;
    });
    markLanded(rt, item.path);
  }

  /** Ends the file tasks a restart or an aborted pass left open, by what became of their file. */
  function settleFileTasks(rt: PairRuntime): void {
    const failures = journal.failures(rt.record.id);
    fileTasks.settle(rt.record.id, (path) => {
      const file = journal.file(rt.record.id, path);
      if (!file) return { gone: true };
      if (file.remoteId) return { synced: true };
      const failure = failures.find((f) => f.path === path);
      return failure ? { failed: failure.reason } : { pending: true };
    });
  }

  /** The name is taken in the cloud: the same content (an upload that finished before a crash) is adopted. */
  async function adopt(
    rt: PairRuntime,
    item: UploadItem,
    key: string,
    ctx: UploadContext,
    uploadTaskId: string | undefined,
  ): Promise<"adopted" | string | undefined> {
    const parentId = await ctx.ensureLocalFolder(parentOf(item.path));
    const existing = await callCloud(
      rt.record.accountId,
      policy,
      () => findChild(ctx.provider, parentId, baseName(item.path), ctx.signal),
      ctx.signal,
    );
    if (!existing || existing.kind !== "file") return undefined;
    if (existing.md5 === item.md5 && existing.size === item.local.size) {
      recordUpload(rt, item, existing, key, uploadTaskId);
      return "adopted";
    }
    return existing.id;
  }

  async function settle(root: string, path: string, signal: AbortSignal) {
    let last = statPath(root, path);
    for (;;) {
      await sleep(settleMs, signal);
      const current = statPath(root, path);
      if (current.kind !== "file" || last.kind !== "file") return undefined;
      if (sameStat(current.file, last.file)) return current.file;
      last = current;
    }
  }

  // ---- the public API ------------------------------------------------------------------------

  const dropContext: DropContext = {
    tasks,
    journal,
    now,
    providerFor: deps.providerFor,
    call: (accountId, fn) => callCloud(accountId, policy, fn, stopper.signal),
    enqueue: (job) => queue.add(job),
    upload: (accountId, source) =>
      callCloud(
        accountId,
        policy,
        () => deps.providerFor(accountId).upload({ ...source, waitForTask: poller.waiterFor(accountId) }),
        source.signal,
      ),
    log: (level, text) => log(level, text),
    stopSignal: () => stopper.signal,
  };

  const engine: SyncEngine = {
    async addPair(input: AddPairInput) {
      const localPath = resolve(input.localPath);
      const stats = statSync(localPath, { throwIfNoEntry: false });
      if (!stats) throw ipcFailure("invalid-input", `The folder ${localPath} does not exist.`);
      if (!stats.isDirectory()) throw ipcFailure("invalid-input", `${localPath} is not a folder.`);
      if (lstatSync(localPath).isSymbolicLink())
        throw ipcFailure("invalid-input", `${localPath} is a symbolic link; pair the folder it points to.`);
      splitRemotePath(input.remotePath);
      for (const rt of runtimes.values()) {
        const other = rt.record.localPath;
        if (other === localPath) throw ipcFailure("conflict", `${localPath} is already synced.`);
        if (localPath.startsWith(other + sep) || other.startsWith(localPath + sep)) {
          const how = localPath.startsWith(other + sep) ? "inside" : "around";
          throw ipcFailure(
            "invalid-input",
            `${localPath} is ${how} the synced folder ${other}; pairs may not nest.`,
          );
        }
      }
      const provider = deps.providerFor(input.accountId);
      const record: PairRecord = {
        id: crypto.randomUUID(),
        accountId: input.accountId,
        localPath,
        remotePath: "/" + splitRemotePath(input.remotePath).join("/"),
        deletePolicy: input.deletePolicy,
        paused: false,
        remoteRootId: null,
        createdAt: now(),
      };
      const grown: string[] = [];
      record.remoteRootId = await ensureRemotePath(
        provider,
        record.remotePath,
        (fn) => callCloud(input.accountId, policy, fn),
        (parentId) => grown.push(parentId),
      );
      if (grown.length > 0) deps.remoteChanged?.(input.accountId, grown);
      journal.putPair(record);
      const rt = newRuntime(record);
      runtimes.set(record.id, rt);
      log("info", `Pair added: ${localPath} ⇄ ${record.remotePath}`, record);
      if (started) await watchAndSync(rt);
      notify();
      return viewOf(rt);
    },
    async removePair(pairId) {
      const rt = runtime(pairId);
      rt.removed = true;
      // A cancel, not a stop: what the cloud keeps for the pair's unfinished uploads is freed.
      rt.controller.abort(cancelledBy("The pair was removed."));
      await stopWatching(rt);
      runtimes.delete(pairId);
      fileTasks.dropPair(pairId, "The sync pair was removed.");
      journal.deletePair(pairId);
      log("info", `Pair removed: ${rt.record.localPath}`, rt.record);
      notify();
    },
    async pause(pairId) {
      const rt = runtime(pairId);
      rt.record.paused = true;
      journal.putPair(rt.record);
      rt.controller.abort(new Error("The pair was paused."));
      await stopWatching(rt);
      notify();
      return viewOf(rt);
    },
    async resume(pairId) {
      const rt = runtime(pairId);
      rt.record.paused = false;
      rt.controller = new AbortController();
      journal.putPair(rt.record);
      if (started) await watchAndSync(rt);
      notify();
      return viewOf(rt);
    },
    async confirmDeletes(pairId, allow) {
      const rt = runtime(pairId);
      if (allow) rt.allowMassDeleteOnce = true;
      else rt.dropHeldDeletes = true;
      await requestPass(rt, "full").catch(() => {});
      return viewOf(rt);
    },
    pairs,
    async syncOnce(pairId, options = {}) {
      resumeDropsOnce();
      replayHooksOnce();
      const targets = pairId ? [runtime(pairId)] : [...runtimes.values()].filter((rt) => !rt.record.paused);
      const total = emptySummary();
      for (const rt of targets) {
        const s = await requestPass(rt, "full", options);
        total.uploaded += s.uploaded;
        total.moved += s.moved;
        total.renamed += s.renamed;
        total.deleted += s.deleted;
        total.unchanged += s.unchanged;
        total.failed += s.failed;
        total.failures.push(...s.failures);
      }
      // A pass hands its uploads to the hook (a pair's script starts as a task) before it counts as
      // done; a hook that hangs keeps its journal row and is called again at the next start.
      const hooks = [...hooksRunning.values()];
      if (hooks.length > 0) await settledWithin(Promise.allSettled(hooks), hookGraceMs);
      return total;
    },
    async start() {
      if (started) return;
      started = true;
      stopper = new AbortController();
      await Promise.all([...runtimes.values()].filter((rt) => !rt.record.paused).map(watchAndSync));
      resumeDropsOnce();
      replayHooksOnce();
    },
    async stop() {
      started = false;
      stopper.abort(new Error("The sync engine stopped."));
      for (const rt of runtimes.values()) await stopWatching(rt);
      // Let running passes notice the abort; their work stays in the journal.
      const deadline = Date.now() + 5000;
      while ([...runtimes.values()].some((rt) => rt.running) && Date.now() < deadline) await delay(10);
      queue.clear();
      // Drops on their way notice the stop too, and leave their state to the journal.
      await settledWithin(queue.onIdle(), deadline - Date.now());
      flushWrites();
      // Hooks still running after a short grace keep their journal rows, to be called again at the next start.
      const hooks = [...hooksRunning.values()];
      if (hooks.length > 0) await settledWithin(Promise.allSettled(hooks), hookGraceMs);
      hooksReplayed = false;
      if (notifyTimer) clearTimeout(notifyTimer);
      notifyTimer = undefined;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async uploadPaths(input) {
      return startDrop(input, dropContext);
    },
    pairScript(pairId) {
      const rule = runtime(pairId).record.scriptRule;
      return rule ? { ...rule, extensions: [...rule.extensions] } : null;
    },
    async setPairScript(pairId, rule) {
      const rt = runtime(pairId);
      if (rule === null) delete rt.record.scriptRule;
      else rt.record.scriptRule = normalizeScriptRule(rule);
      journal.putPair(rt.record);
      log(
        "info",
        rt.record.scriptRule
          ? `${rt.record.localPath}: uploaded .${rt.record.scriptRule.extensions.join(", .")} files run a script`
          : `${rt.record.localPath}: uploaded files no longer run a script`,
        rt.record,
      );
      notify();
      return viewOf(rt);
    },
    activity(limit = 200) {
      return journal.events(limit);
    },
  };

  return engine;
}
