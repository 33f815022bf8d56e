/**
 * One pass of a pair: scan (all of it, or only the paths the watcher hinted), plan, then create
 * folders, move, upload and delete, writing the journal after every step that succeeded.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { FileRecord } from "../journal/index.ts";
import type { TaskHandle } from "../tasks/types.ts";
import { say } from "../words.ts";
import { guardDeletes } from "./delete-guard.ts";
import { baseName, emptySummary, errorText, isBelow, type EngineContext } from "./engine-context.ts";
import { md5File } from "./hash.ts";
import { loadIgnoreRules } from "./ignore-rules.ts";
import { forgetFile, loadFolders, putFile, type PairRuntime, type PassJob } from "./pair-runtime.ts";
import { dropStaleMoves, runMoves } from "./pass-moves.ts";
import { runDeletes } from "./pass-deletes.ts";
import { parentOf, planChanges } from "./plan.ts";
import { knownInScope, reconcileFolder } from "./reconcile.ts";
import { callCloud, ensureFolder, ensureRemotePath } from "./remote.ts";
import { scanFolder, statPath, toNative, type ScanResult } from "./scan.ts";
import type { SyncSummary } from "./types.ts";
import { settleFileTasks, uploadOne } from "./upload-file.ts";
import { uploadAll } from "./upload-queue.ts";

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
    if (path.split("/").some((_, i, parts) => ignored(parts.slice(0, i + 1).join("/"), i < parts.length - 1)))
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

export async function runPass(ctx: EngineContext, rt: PairRuntime, job: PassJob): Promise<SyncSummary> {
  const { journal, tasks, now } = ctx;
  const summary = emptySummary();
  if (rt.record.paused || rt.removed) return summary;
  const { record } = rt;
  const signal = AbortSignal.any([rt.controller.signal, ctx.stopSignal()]);
  const provider = ctx.deps.providerFor(record.accountId);
  const call = <T>(fn: () => Promise<T>): Promise<T> => callCloud(record.accountId, ctx.policy, fn, signal);

  const root = statSync(record.localPath, { throwIfNoEntry: false });
  if (!root?.isDirectory()) {
    // Never read a missing folder as "everything was deleted".
    throw new Error(`The local folder ${record.localPath} is missing; nothing was changed in the cloud.`);
  }
  if (!record.remoteRootId) {
    record.remoteRootId = await ensureRemotePath(provider, record.remotePath, call);
    journal.putPair(record);
  }
  const folders = loadFolders(ctx, rt);
  rt.error = undefined;
  rt.phase = "scanning";
  ctx.notify();
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
  for (const issue of plan.issues) summary.failures.push(issue);

  journal.transaction(() => {
    for (const t of plan.touched) putFile(ctx, rt, { ...t.record, ...t.local });
    for (const path of plan.forgotten) forgetFile(ctx, rt, path);
    // New files wait in the journal with every other file not uploaded yet; uploads stream from there.
    for (const u of plan.uploads) {
      if (!u.replaceId)
        putFile(ctx, rt, { path: u.path, ...u.local, md5: u.md5, remoteId: null, remoteVersion: null });
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

  const { deleteCount, doDeletes } = guardDeletes(ctx, rt, plan, job);

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
    ctx.notify();
    task = tasks.create({
      kind: "sync",
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

  await runMoves(ctx, rt, plan, { provider, call, ensureLocalFolder, summary, step, fail, signal });
  if (job.full) dropStaleMoves(ctx, rt);
  for (const folder of plan.newFolders) {
    try {
      await ensureLocalFolder(folder);
    } catch (error) {
      if (signal.aborted) throw error;
      fail(folder, `cannot create the cloud folder: ${errorText(error)}`);
    }
  }

  await uploadAll(ctx, rt, versions, waiting, {
    upload: async (item) => {
      const outcome = await uploadOne(ctx, rt, item, {
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

  if (doDeletes) await runDeletes(ctx, rt, plan, { provider, call, summary, step, fail, signal });
  if (job.full) settleFileTasks(ctx, rt);

  if (task) {
    if (summary.failed > 0) {
      task.partial(
        summary.failures.map((f) => ({ id: f.path, name: f.path, reason: f.reason })),
        say("core.activity.filesFailed", { n: summary.failed }),
      );
    } else task.succeed();
  }
  const changed = summary.uploaded + summary.moved + summary.renamed + summary.deleted;
  if (changed > 0 || summary.failed > 0) {
    ctx.log(
      summary.failed > 0 ? "warn" : "info",
      say("core.activity.passSummary", {
        path: record.localPath,
        uploaded: summary.uploaded,
        moved: summary.moved,
        renamed: summary.renamed,
        deleted: summary.deleted,
        failed: summary.failed,
      }),
      record,
    );
  }
  if (rt.allowMassDeleteOnce && doDeletes) rt.allowMassDeleteOnce = false;
  summary.failed = summary.failures.length;
  return summary;
}
