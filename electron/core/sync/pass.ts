/**
 * One pass of a pair: settle the creates a crash cut off, scan (all of it, or only the paths the
 * watcher hinted), plan from the journal (the base) and the local side, then run the plan's
 * operations as a dependency graph, writing the journal after every operation that succeeded. A
 * failing path holds back only what depends on it; everything else of the pair still goes.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { FailureRecord, FileRecord } from "../journal/index.ts";
import type { TaskHandle } from "../tasks/types.ts";
import { say, type Words } from "../words.ts";
import { guardDeletes } from "./delete-guard.ts";
import { emptySummary, isBelow, type EngineContext } from "./engine-context.ts";
import { md5File } from "./hash.ts";
import { ignoringHome } from "./home-folder.ts";
import { loadIgnoreRules } from "./ignore-rules.ts";
import { createOpGraph } from "./op-graph.ts";
import {
  forgetFile,
  forgetFolder,
  loadFolders,
  putFile,
  type PairRuntime,
  type PassJob,
} from "./pair-runtime.ts";
import { dropStaleMoves } from "./pass-moves.ts";
import { HeldDelete, startOperations } from "./pass-ops.ts";
import { parentOf, planChanges, unchangedRemote } from "./plan.ts";
import { knownInScope, reconcileFolder, widenToReplacedFiles } from "./reconcile.ts";
import { callCloud, ensureRemotePath } from "./remote.ts";
import { emptyScan, sameFile, sameId, scanFolder, statPath, toNative, type ScanResult } from "./scan.ts";
import type { SyncSummary } from "./types.ts";
import { settleFileTasks, uploadOne } from "./upload-file.ts";
import { uploadKey } from "./upload-job.ts";
import { recoverCreates } from "./write-ahead.ts";
import { failureOf, recordFailure } from "./failed-paths.ts";
import { IpcFailure, ipcFailure } from "../ipc-error.ts";

/**
 * The paths that failed in a pass, each with its reason and next try, as lines of the pass's log
 * entry: each line a phrase holding the lines after it, so the entry is said in the reader's language.
 */
function failedLines(failures: FailureRecord[], failed: Set<string>): Words {
  const shown = failures.filter((f) => failed.has(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  let lines: Words = shown.length > 20 ? say("core.activity.failedMore", { n: shown.length - 20 }) : "";
  for (const f of shown.slice(0, 20).reverse()) {
    const line = { path: f.path, reason: f.reason, more: lines };
    lines = f.nextRetryAt
      ? say("core.activity.failedLineRetry", { ...line, time: new Date(f.nextRetryAt).toISOString() })
      : say("core.activity.failedLine", line);
  }
  return lines;
}

/** The hinted paths as they are on disk now. */
async function scanHints(
  rt: PairRuntime,
  job: PassJob,
  ignored: ReturnType<typeof loadIgnoreRules>,
): Promise<ScanResult> {
  const root = rt.record.localPath;
  const result = emptyScan();
  for (const path of job.paths) {
    if ([...job.paths].some((p) => p !== path && isBelow(path, p))) continue;
    if (path.split("/").some((_, i, parts) => ignored(parts.slice(0, i + 1).join("/"), i < parts.length - 1)))
      continue;
    const found = statPath(root, path);
    if (found.kind === "file") result.files.set(path, found.file);
    else if (found.kind === "special") result.issues.push({ path, reason: found.reason });
    else if (found.kind === "folder") {
      const below = await scanFolder(root, ignored, [path]);
      for (const [p, f] of below.files) result.files.set(p, f);
      result.folders.push(...below.folders);
      for (const [p, id] of below.folderIds) result.folderIds.set(p, id);
      result.issues.push(...below.issues);
    }
  }
  return result;
}

/** An upload that failed and waits for its retry time (the journal holds when). */
class Quarantined extends IpcFailure {
  constructor(reason: Words) {
    super("transient", reason);
  }
}

export async function runPass(ctx: EngineContext, rt: PairRuntime, job: PassJob): Promise<SyncSummary> {
  const { journal, now } = ctx;
  const summary = emptySummary();
  if (rt.record.paused || rt.removed) return summary;
  const { record } = rt;
  // A stop starts nothing new; requests already in flight may finish (they end at the halt).
  const stopping = AbortSignal.any([rt.controller.signal, ctx.stopSignal()]);
  const signal = AbortSignal.any([rt.controller.signal, ctx.haltSignal()]);
  const provider = ctx.deps.providerFor(record.accountId);
  const call = <T>(fn: () => Promise<T>): Promise<T> => callCloud(record.accountId, ctx.policy, fn, signal);

  const root = statSync(record.localPath, { throwIfNoEntry: false });
  if (!root?.isDirectory()) {
    // Never read a missing folder as "everything was deleted".
    throw ipcFailure("not-found", say("core.reason.folderMissing", { path: record.localPath }));
  }
  if (!record.remoteRootId) {
    record.remoteRootId = await ensureRemotePath(provider, record.remotePath, call);
    journal.putPair(record);
  }
  const folders = loadFolders(ctx, rt);
  rt.error = undefined;
  rt.phase = "scanning";
  ctx.notify();
  await recoverCreates(ctx, rt, { provider, call, signal });
  const ignored = ignoringHome(loadIgnoreRules(record.localPath), record.localPath, ctx.deps.home);
  const hash = (path: string, size: number) => md5File(join(record.localPath, toNative(path)), size);
  let scanned: ScanResult;
  let known: Map<string, FileRecord>;
  let unchanged = 0;
  if (job.full) {
    const reconciled = await reconcileFolder(record.localPath, ignored, journal, record.id, { hash });
    ({ scan: scanned, known, unchanged } = reconciled);
  } else {
    widenToReplacedFiles(journal, record.id, job.paths);
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
    hash,
    stillThere: (r) => {
      const found = statPath(record.localPath, r.path);
      return found.kind === "file" && sameFile(found.file, r);
    },
    folderStillThere: (path, id) => {
      const found = statPath(record.localPath, path);
      return found.kind === "folder" && sameId(found.id, id);
    },
    // A full pass saw every known path: a moved file's old path is among the vanished ones.
    ...(job.full ? {} : { withIno: (ino: number) => journal.filesWithIno(record.id, ino) }),
    remote: unchangedRemote,
  });
  if (!job.full && (plan.deletes.length > 0 || plan.deletedFolders.length > 0)) {
    // A vanished path may be half of a move whose other half the watcher has not reported yet.
    return runPass(ctx, rt, { ...job, full: true });
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
  for (const issue of plan.issues) summary.failures.push(failureOf(issue.path, issue.reason));

  const deferred: typeof plan.creates = [];
  journal.transaction(() => {
    for (const t of plan.touched) putFile(ctx, rt, { ...t.record, ...t.local });
    for (const path of plan.forgotten) {
      forgetFile(ctx, rt, path);
      journal.deleteUpload(uploadKey({ from: "pair", pairId: record.id, path }));
      journal.clearFailure(record.id, path);
    }
    for (const path of plan.forgottenFolders) forgetFolder(ctx, rt, path);
    for (const { path, id } of plan.folderIds) {
      const folder = folders.get(path);
      if (!folder) continue;
      folder.dev = id.dev;
      folder.ino = id.ino;
      journal.putFolder(record.id, { path, ...folder });
    }
    // New files wait in the journal with every other file not uploaded yet; uploads stream from
    // there. One whose path the journal still gives to a file moving or going away waits in memory
    // (a crash meanwhile finds it again as new).
    for (const c of plan.creates) {
      if (journal.file(record.id, c.path)?.remoteId) deferred.push(c);
      else putFile(ctx, rt, { path: c.path, ...c.local, md5: c.md5, remoteId: null, remoteVersion: null });
    }
  });

  // Quarantined files wait for their retry time; everything else flows.
  const failures = new Map(journal.failures(record.id).map((f) => [f.path, f]));
  const notDue = new Set<string>();
  const waiting = (path: string): boolean => {
    const failure = failures.get(path);
    if (!failure?.nextRetryAt || failure.nextRetryAt <= now()) return false;
    notDue.add(path);
    summary.failures.push(failureOf(path, failure.reason));
    return true;
  };
  const versions = plan.uploads.filter((u) => !waiting(u.path));
  const newFiles = journal.unsyncedCount(record.id) + deferred.length;
  const { deleteCount, doDeletes } = guardDeletes(ctx, rt, plan, job);
  const mirror = record.deletePolicy === "mirror";

  const work =
    versions.length +
    newFiles +
    plan.moves.length +
    plan.folderMoves.length +
    (doDeletes && mirror ? deleteCount : 0);
  let task: TaskHandle | undefined;
  let done = 0;
  if (work > 0 || plan.newFolders.length > 0) {
    rt.phase = "syncing";
    rt.pendingFiles = work;
    ctx.notify();
    task = ctx.passTask({
      title: say("core.task.sync", { path: record.localPath }),
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
    ctx.notify();
  };
  const failedPaths = new Set<string>();
  const fail = (path: string, reason: Words): void => {
    failedPaths.add(path);
    summary.failures.push(failureOf(path, reason));
  };

  const lanes = ctx.lanesFor(record.accountId);
  const graph = createOpGraph({
    lanes,
    signal: stopping,
    onFailure: (failure) => {
      if (failure.error instanceof HeldDelete) return;
      fail(failure.path, failure.reason);
      // An upload records its own failure, with the reason it knows best.
      if (!(failure.error instanceof Quarantined)) recordFailure(ctx, rt, failure.path, failure.reason);
    },
  });
  const upload = async (item: (typeof plan.uploads)[number], folderId: (path: string) => Promise<string>) => {
    const outcome = await uploadOne(ctx, rt, item, {
      provider,
      ensureLocalFolder: folderId,
      signal,
      ...(task ? { passTaskId: task.id } : {}),
    });
    if (outcome === "uploaded") {
      summary.uploaded += 1;
      journal.clearFailure(record.id, item.path);
    } else if (outcome === "vanished") {
      if (!item.replaceId) journal.deleteFile(record.id, item.path);
    } else {
      step();
      throw new Quarantined(outcome.reason);
    }
    step();
  };
  const ops = startOperations(
    ctx,
    rt,
    { ...plan, uploads: versions },
    {
      provider,
      call,
      summary,
      step,
      fail,
      signal,
      graph,
      lanes,
      upload,
      deletes: !doDeletes ? "held" : mirror ? "mirror" : "forget",
    },
  );

  for (const c of deferred) graph.add(c.path, ops.needsOfNew(c.path), () => upload(c, ops.folderId));
  // Every file the journal holds without a cloud copy, read in pages: a first sync of 100,000
  // files never holds them all in memory, and enough of them are ahead to fill the lanes as they grow.
  const ahead = (): number => Math.max(8, lanes.limit * 2);
  for (let after = "", page: FileRecord[]; !stopping.aborted; after = page.at(-1)!.path) {
    page = journal.unsyncedFiles(record.id, after, 256);
    if (page.length === 0) break;
    for (const r of page) {
      if (waiting(r.path)) continue;
      const local = { size: r.size, mtimeMs: r.mtimeMs, ino: r.ino, dev: r.dev, btimeMs: r.btimeMs };
      const md5 = r.md5 ?? (await hash(r.path, r.size).catch(() => undefined));
      if (md5 === undefined) continue;
      graph.add(r.path, ops.needsOfNew(r.path), () => upload({ path: r.path, local, md5 }, ops.folderId));
      if (graph.open >= ahead()) await graph.below(ahead());
    }
  }
  await graph.settled();
  ctx.flushWrites();
  stopping.throwIfAborted();
  if (job.full) {
    // Saved server moves that nothing of this pass took up no longer match anything to do.
    dropStaleMoves(ctx, rt);
    settleFileTasks(ctx, rt);
  }
  // What failed before, was looked at this time and did not fail again is no longer in trouble.
  for (const failure of journal.failures(record.id)) {
    if (scope(failure.path) && !failedPaths.has(failure.path) && !notDue.has(failure.path))
      journal.clearFailure(record.id, failure.path);
  }

  if (task) {
    if (summary.failures.length > 0) {
      task.partial(
        summary.failures.map((f) => ({ id: f.path, name: f.path, reason: f.reasonPhrase ?? f.reason })),
        say("core.activity.filesFailed", { n: summary.failures.length }),
      );
    } else task.succeed();
  }
  const changed = summary.uploaded + summary.moved + summary.renamed + summary.deleted;
  summary.failed = summary.failures.length;
  if (changed > 0 || failedPaths.size > 0) {
    ctx.log(
      failedPaths.size > 0 ? "warn" : "info",
      say("core.activity.passSummary", {
        path: record.localPath,
        uploaded: summary.uploaded,
        moved: summary.moved,
        renamed: summary.renamed,
        deleted: summary.deleted,
        failed: summary.failed,
        failures: failedLines(journal.failures(record.id), failedPaths),
      }),
      record,
    );
  }
  if (rt.allowMassDeleteOnce && doDeletes) rt.allowMassDeleteOnce = false;
  return summary;
}
