/**
 * The sync engine: keeps each pair's cloud folder equal to its local folder. This module assembles
 * it from its parts (passes, uploads, the "uploaded" hook, watchers, pair views) around one shared
 * context, and holds the pair lifecycle the public API drives.
 */
import { lstatSync, statSync } from "node:fs";
import { resolve, sep } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import PQueue from "p-queue";
import type { PairView } from "../../../shared/model.ts";
import { createAdaptiveLimit, type AdaptiveLimit } from "../cloud/http/adaptive-limit.ts";
import { ipcFailure } from "../ipc-error.ts";
import { say } from "../words.ts";
import type { PairRecord } from "../journal/index.ts";
import { createBandwidthLimiter } from "./bandwidth.ts";
import { emptySummary, settledWithin, type EngineContext } from "./engine-context.ts";
import { createFileTasks, type FileTasks } from "./file-tasks.ts";
import { createWriteBatch } from "./journal-writes.ts";
import { journalTrouble } from "../journal/unavailable.ts";
import { refusePairAroundHome } from "./home-folder.ts";
import { newRuntime, runtimeOf, type PairRuntime } from "./pair-runtime.ts";
import { pairViews, viewOf } from "./pair-view.ts";
import { stopWatching, watchAndSync } from "./pair-watch.ts";
import { requestPass } from "./pass-scheduler.ts";
import { callCloud, createQuotaGate, ensureRemotePath, splitRemotePath } from "./remote.ts";
import { normalizeScriptRule } from "./script-rule.ts";
import { cancelledBy } from "../tasks/registry.ts";
import type { AddPairInput, SyncEngine, SyncEngineDeps } from "./types.ts";
import { declareUploads } from "./upload-job.ts";
import { startDrop } from "./upload-paths.ts";
import { createUploadedHooks } from "./uploaded-hook.ts";
import { defaultWatcher } from "./watcher.ts";

export { massDelete } from "./delete-guard.ts";

export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const { journal, runner } = deps;
  const now = deps.now ?? Date.now;
  const sleep =
    deps.sleep ??
    ((ms: number, signal?: AbortSignal) => delay(Math.max(0, ms), undefined, { signal }).then(() => {}));
  const initialLanes = deps.concurrency ?? 8;
  const queue = new PQueue({ concurrency: initialLanes });
  const lanes = new Map<string, AdaptiveLimit>();
  const maxLanes = Math.max(initialLanes, deps.maxConcurrency ?? 32);
  const listeners = new Set<(pairs: PairView[]) => void>();
  const runtimes = new Map<string, PairRuntime>();
  let started = false;
  let stopper = new AbortController();
  let halter = new AbortController();
  let notifyTimer: NodeJS.Timeout | undefined;

  const notify = (): void => {
    if (notifyTimer || listeners.size === 0) return;
    notifyTimer = setTimeout(() => {
      notifyTimer = undefined;
      const views = pairViews(ctx);
      for (const listener of listeners) listener(views);
    }, 50);
    notifyTimer.unref();
  };
  const quota = createQuotaGate(now, sleep, notify);
  const writes = createWriteBatch(
    journal,
    (uploaded) => hooks.run(uploaded),
    (trouble) => ctx.journalTroubled(trouble),
  );

  for (const record of journal.pairs()) runtimes.set(record.id, newRuntime(record));

  const ctx: EngineContext = {
    deps,
    journal,
    runner,
    tasks: runner.registry,
    poller: runner.poller,
    now,
    sleep,
    watch: deps.watch ?? defaultWatcher,
    rescanIntervalMs: deps.rescanIntervalMs ?? 5 * 60_000,
    debounceMs: deps.debounceMs ?? 60,
    queue,
    lanesFor(accountId) {
      let limit = lanes.get(accountId);
      if (!limit)
        lanes.set(accountId, (limit = createAdaptiveLimit({ initial: initialLanes, max: maxLanes })));
      return limit;
    },
    bandwidth: createBandwidthLimiter(deps.bandwidthBytesPerSecond, now, sleep),
    quota,
    policy: { now, sleep, quota },
    runtimes,
    fileTasks: undefined as unknown as FileTasks,
    log(level, text, pair) {
      const event = {
        time: now(),
        level,
        text,
        ...(pair ? { pairId: pair.id, accountId: pair.accountId } : {}),
      };
      const append = (): void => deps.activity?.(journal.appendEvent(event));
      try {
        append();
      } catch (error) {
        const trouble = journalTrouble(error);
        if (!trouble) throw error;
        ctx.journalTroubled(trouble);
        writes.writeSoon(append);
      }
    },
    journalState: {},
    journalTroubled(trouble) {
      if (ctx.journalState.trouble === trouble) return;
      const was = ctx.journalState.trouble;
      ctx.journalState.trouble = trouble;
      if (!trouble && was) ctx.log("info", say("core.activity.journalBack"));
      notify();
    },
    notify,
    writeSoon: writes.writeSoon,
    flushWrites: writes.flush,
    passTask: (task) => passes.open(task, { pairId: task.pairId }).handle,
    requestPass: (rt, paths, options) => requestPass(ctx, rt, paths, options),
    stopSignal: () => stopper.signal,
    haltSignal: () => halter.signal,
    isStarted: () => started,
  };
  // A pass runs inside the engine; a task of one that a crash cut off is ended at the next start
  // (the pair's next pass does what it left).
  const passes = runner.declare<{ pairId: string }>({
    kind: "sync",
    parse: () => undefined,
    lost: say("core.task.passLost"),
    run: async () => {},
  });
  const uploads = declareUploads(ctx, {
    // A job leaves the queue when it is stopped before its turn (a stop clears the queue).
    enqueue: (work, signal) =>
      new Promise<void>((resolve, reject) => {
        let started = false;
        const skip = (): void => {
          if (!started) resolve();
        };
        signal.addEventListener("abort", skip, { once: true });
        queue
          .add(() => {
            started = true;
            return work();
          })
          .then(resolve, reject)
          .finally(() => signal.removeEventListener("abort", skip));
      }),
    adoptPairFile: (job) => {
      if (job.state.from === "pair") ctx.fileTasks.adopt(job.handle, job.state);
    },
  });
  ctx.fileTasks = createFileTasks({
    tasks: runner.registry,
    create: (task, origin) => uploads.open(task, origin).handle,
    pairExists: (pairId) => runtimes.has(pairId),
  });
  const { log, policy, fileTasks } = ctx;
  const hooks = createUploadedHooks(ctx);
  const runtime = (pairId: string): PairRuntime => runtimeOf(ctx, pairId);

  const engine: SyncEngine = {
    async addPair(input: AddPairInput) {
      const localPath = resolve(input.localPath);
      const stats = statSync(localPath, { throwIfNoEntry: false });
      const path = localPath;
      if (!stats) throw ipcFailure("invalid-input", say("errors.folderMissing", { path }));
      if (!stats.isDirectory()) throw ipcFailure("invalid-input", say("errors.notAFolder", { path }));
      if (lstatSync(localPath).isSymbolicLink())
        throw ipcFailure("invalid-input", say("errors.isSymlink", { path }));
      refusePairAroundHome(localPath, deps.home);
      splitRemotePath(input.remotePath);
      for (const rt of runtimes.values()) {
        const other = rt.record.localPath;
        if (other === localPath) throw ipcFailure("conflict", say("errors.alreadySynced", { path }));
        if (localPath.startsWith(other + sep) || other.startsWith(localPath + sep)) {
          const how = localPath.startsWith(other + sep) ? "errors.pairInside" : "errors.pairAround";
          throw ipcFailure("invalid-input", say(how, { path, other }));
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
      log("info", say("core.activity.pairAdded", { path: localPath, remote: record.remotePath }), record);
      if (started) await watchAndSync(ctx, rt);
      notify();
      return viewOf(ctx, rt);
    },
    async removePair(pairId) {
      const rt = runtime(pairId);
      rt.removed = true;
      // A cancel, not a stop: what the cloud keeps for the pair's unfinished uploads is freed.
      rt.controller.abort(cancelledBy("The pair was removed."));
      await stopWatching(rt);
      runtimes.delete(pairId);
      fileTasks.dropPair(pairId, say("core.file.pairRemoved"));
      journal.deletePair(pairId);
      log("info", say("core.activity.pairRemoved", { path: rt.record.localPath }), rt.record);
      notify();
    },
    async pause(pairId) {
      const rt = runtime(pairId);
      rt.record.paused = true;
      journal.putPair(rt.record);
      rt.controller.abort(new Error("The pair was paused."));
      await stopWatching(rt);
      notify();
      return viewOf(ctx, rt);
    },
    async resume(pairId) {
      const rt = runtime(pairId);
      rt.record.paused = false;
      rt.controller = new AbortController();
      journal.putPair(rt.record);
      if (started) await watchAndSync(ctx, rt);
      notify();
      return viewOf(ctx, rt);
    },
    async confirmDeletes(pairId, allow) {
      const rt = runtime(pairId);
      if (allow) rt.allowMassDeleteOnce = true;
      else rt.dropHeldDeletes = true;
      await requestPass(ctx, rt, "full").catch(() => {});
      return viewOf(ctx, rt);
    },
    pairs: () => pairViews(ctx),
    async syncOnce(pairId, options = {}) {
      hooks.replayOnce();
      const targets = pairId ? [runtime(pairId)] : [...runtimes.values()].filter((rt) => !rt.record.paused);
      const total = emptySummary();
      for (const rt of targets) {
        const s = await requestPass(ctx, rt, "full", options);
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
      await hooks.settle();
      return total;
    },
    async start() {
      if (started) return;
      started = true;
      stopper = new AbortController();
      halter = new AbortController();
      await Promise.all(
        [...runtimes.values()].filter((rt) => !rt.record.paused).map((rt) => watchAndSync(ctx, rt)),
      );
      hooks.replayOnce();
    },
    async stop() {
      started = false;
      stopper.abort(new Error("The sync engine stopped."));
      for (const rt of runtimes.values()) await stopWatching(rt);
      // Passes start nothing new; what is in flight may finish within the grace, then is cut
      // (its state stays in the journal).
      const deadline = Date.now() + (deps.stopGraceMs ?? 5000);
      // A stopped pass returns at once; its operations already in an account's lanes run on.
      const busy = () =>
        [...runtimes.values()].some((rt) => rt.running) || [...lanes.values()].some((l) => l.running > 0);
      while (busy() && Date.now() < deadline) await delay(10);
      queue.clear();
      await settledWithin(queue.onIdle(), deadline - Date.now());
      halter.abort(new Error("The sync engine stopped."));
      await settledWithin(queue.onIdle(), 1000);
      writes.flush();
      writes.dispose();
      // Hooks still running after a short grace keep their journal rows, to be called again at the next start.
      await hooks.settle();
      hooks.rearm();
      if (notifyTimer) clearTimeout(notifyTimer);
      notifyTimer = undefined;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async uploadPaths(input) {
      return startDrop(ctx, uploads, input);
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
          ? say("core.activity.scriptOn", {
              path: rt.record.localPath,
              extensions: `.${rt.record.scriptRule.extensions.join(", .")}`,
            })
          : say("core.activity.scriptOff", { path: rt.record.localPath }),
        rt.record,
      );
      notify();
      return viewOf(ctx, rt);
    },
    activity(limit = 200) {
      return journal.events(limit);
    },
    setBandwidth(bytesPerSecond) {
      ctx.bandwidth.setRate(bytesPerSecond ?? undefined);
    },
  };

  return engine;
}
