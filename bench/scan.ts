/**
 * `npm run bench -- scan [--files N] [--idle-seconds S]`: index 100,000 files in 1,000 folders, then
 * a restart's reconcile with nothing changed, the start of the folder watcher (chokidar) and the
 * start-up pass after it, peak memory, and CPU while idle with the watcher on (the S seconds right
 * after the start, then the next S).
 * Reference (Syncthing 1.19, same machine class): first scan 11.5 s, restart until idle 4.8 s,
 * 191 MiB RSS, 0.18% of a core idle.
 */
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { createMemoryCloud } from "../testing/memory-cloud.ts";
import { flag, makeTreeInChild, peakRssMiB } from "../testing/bench-support.ts";
import { startTestEngine, tempDir, waitFor } from "../testing/harness.ts";
import { openJournal } from "../electron/core/journal/index.ts";
import { reconcileFolder } from "../electron/core/sync/reconcile.ts";
import { planChanges } from "../electron/core/sync/plan.ts";
import { loadIgnoreRules } from "../electron/core/sync/ignore-rules.ts";
import { md5File } from "../electron/core/sync/hash.ts";
import type { WatcherFactory } from "../electron/core/sync/types.ts";
import { chokidarWatcher, foldersListedAtOnce } from "../electron/core/sync/watcher.ts";
import { favourMemory, memoryFlags } from "../electron/shell/memory.ts";

// As every shell runs the core.
favourMemory();

const files = flag("files", 100_000);
const folders = Math.max(1, Math.round(files / 100));
const idleSeconds = flag("idle-seconds", 60);
const dir = tempDir("docsync-bench-scan-");
const local = join(dir.path, "local");
const journalFile = join(dir.path, "home", "journal.db");

const MiB = 2 ** 20;
const rssMiB = (): number => process.memoryUsage.rss() / MiB;
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const mb = (mib: number): string => `${mib.toFixed(0)} MiB (${((mib * MiB) / 1e6).toFixed(0)} MB)`;

/** chokidar as the engine uses it, with what its start costs: time, CPU, memory. */
const watcherCost = { readySeconds: 0, cpuSeconds: 0, rssBefore: 0, rssAfter: 0, peakAfter: 0 };
const measuredWatcher: WatcherFactory = (root, events, options) => {
  const started = performance.now();
  const cpu = cpuSeconds();
  watcherCost.rssBefore = rssMiB();
  const handle = chokidarWatcher(root, events, options);
  void handle.ready?.then(() => {
    watcherCost.readySeconds = (performance.now() - started) / 1000;
    watcherCost.cpuSeconds = cpuSeconds() - cpu;
    watcherCost.rssAfter = rssMiB();
    watcherCost.peakAfter = peakRssMiB();
  });
  return handle;
};

/** The process's CPU over `seconds` of quiet, as a share of one core, and how long V8 collected garbage. */
async function idleWindow(seconds: number): Promise<{ share: number; gcMs: number }> {
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  gc.observe({ entryTypes: ["gc"] });
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  gc.disconnect();
  return { share: ((cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore)) * 100, gcMs };
}

try {
  process.stdout.write(`creating ${files} files in ${folders} folders (in a child process)... `);
  const made = makeTreeInChild(local, folders, Math.round(files / folders), 64);
  console.log("done");

  // First index: walk, stat, hash every file and record it in the journal (what a first start does
  // before its uploads). The files are then marked as synced, as after a completed first sync.
  const cloud = createMemoryCloud();
  const setup = await startTestEngine({ journalFile, provider: cloud });
  const pair = await setup.engine.addPair({
    accountId: setup.accountId,
    localPath: local,
    remotePath: "/bench",
    deletePolicy: "keep",
  });
  await setup.close();
  // Scoped, so the index's working set can be freed before the restart is measured.
  const firstIndex = await (async () => {
    const journal = openJournal(journalFile);
    const started = performance.now();
    const ignored = loadIgnoreRules(local);
    // The engine's own first pass: the reconcile hashes and indexes every new file, folder by folder.
    const { scan, known, indexed } = await reconcileFolder(local, ignored, journal, pair.id, {
      hash: (path, size) => md5File(join(local, path), size),
    });
    const plan = await planChanges({
      scan,
      inScope: () => true,
      known,
      knownFolders: new Map(),
      ignored,
      hash: (path, size) => md5File(join(local, path), size),
      stillThere: () => false,
      folderStillThere: () => false,
      withIno: () => [],
    });
    const seconds = (performance.now() - started) / 1000;
    // As after a completed first sync: every file has its cloud copy, every folder its cloud folder.
    let n = 0;
    for (let page = journal.unsyncedFiles(pair.id, "", 1000); page.length > 0;) {
      journal.transaction(() => {
        for (const f of page) journal.putFile(pair.id, { ...f, remoteId: `r${n++}`, remoteVersion: 1 });
      });
      page = journal.unsyncedFiles(pair.id, page.at(-1)!.path, 1000);
    }
    journal.transaction(() => {
      for (const f of scan.folders) journal.putFolder(pair.id, { path: f, remoteId: `d:${f}` });
    });
    journal.close();
    if (indexed + plan.uploads.length !== made || n !== made)
      throw new Error(`indexed ${indexed} + ${plan.uploads.length} of ${made} files`);
    return seconds;
  })();
  const peakAfterIndex = peakRssMiB();

  // Restart: a new engine on the journal reconciles the unchanged folder by stat alone.
  const t = await startTestEngine({ journalFile, provider: cloud, watch: measuredWatcher });
  let started = performance.now();
  const summary = await t.engine.syncOnce();
  const reconcile = (performance.now() - started) / 1000;
  const peakAfterReconcile = peakRssMiB();
  if (summary.unchanged !== made || summary.uploaded !== 0)
    throw new Error(`restart: ${JSON.stringify(summary)}`);

  // A restart as the app does it: the watcher first (chokidar learns the tree), then the start-up
  // pass, which walks the tree again against the journal.
  started = performance.now();
  await t.engine.start();
  await waitFor(() => t.engine.pairs()[0]?.state === "idle", "the start-up pass", 600_000);
  const watchedRestart = (performance.now() - started) / 1000;
  const peakAfterStart = peakRssMiB();

  await new Promise((r) => setTimeout(r, 2000));
  // V8 gives back what the start used in its first seconds of quiet: the first window holds that,
  // the second is the steady state.
  const afterStart = await idleWindow(idleSeconds);
  const steady = await idleWindow(idleSeconds);
  const rss = peakRssMiB();
  await t.close();

  const w = watcherCost;
  console.log(
    `files: ${made} in ${folders} folders; node ${process.version}, V8 flags of the shells: ${memoryFlags.join(" ")}`,
  );
  console.log(
    `peak RSS after: first index ${peakAfterIndex.toFixed(0)} MiB, restart reconcile ${peakAfterReconcile.toFixed(0)} MiB, watcher start and start-up pass ${peakAfterStart.toFixed(0)} MiB, idle ${rss.toFixed(0)} MiB`,
  );
  console.log(
    `chokidar's own cost: ready in ${w.readySeconds.toFixed(2)} s, ${w.cpuSeconds.toFixed(2)} s of CPU, RSS ${w.rssBefore.toFixed(0)} -> ${w.rssAfter.toFixed(0)} MiB (peak ${w.peakAfter.toFixed(0)} MiB), at most ${foldersListedAtOnce} folders listed at once`,
  );
  console.log(
    `processes counted: this one (engine, journal, chokidar) ${rss.toFixed(0)} MiB peak; the tree was written by a child process before, not counted`,
  );
  console.log(
    `first index (walk + MD5 + journal): ${firstIndex.toFixed(2)} s   goal <= 8 s    Syncthing 1.19: 11.5 s`,
  );
  console.log(
    `restart reconcile, nothing changed: ${reconcile.toFixed(2)} s   goal < 3 s     Syncthing 1.19: 4.8 s`,
  );
  console.log(
    `restart to in sync, watcher on:     ${watchedRestart.toFixed(2)} s   (chokidar ready, then the reconcile: both walk the tree)`,
  );
  console.log(`peak RSS:                           ${mb(rss)}   goal < 200 MB  Syncthing 1.19: 191 MiB`);
  for (const [when, idle] of [
    ["right after the start", afterStart],
    ["the next", steady],
  ] as const)
    console.log(
      `CPU idle ${idleSeconds} s, watcher on, ${when}: ${idle.share.toFixed(3)}% of a core   goal <= 0.2%   Syncthing 1.19: 0.18%   (garbage collection ${idle.gcMs.toFixed(0)} ms of it)`,
    );
} finally {
  dir.remove();
}
