/**
 * `npm run bench -- scan [--files N] [--idle-seconds S]`: index 100,000 files in 1,000 folders, then
 * a restart's reconcile with nothing changed, peak memory, and CPU while idle with the watcher on.
 * Reference (Syncthing 1.19, same machine class): first scan 11.5 s, restart until idle 4.8 s,
 * 191 MiB RSS, 0.18% of a core idle.
 */
import { join } from "node:path";
import { createMemoryCloud } from "../testing/memory-cloud.ts";
import { flag, makeTreeInChild, peakRssMiB } from "../testing/bench-support.ts";
import { startTestEngine, tempDir } from "../testing/harness.ts";
import { openJournal } from "../electron/core/journal/index.ts";
import { reconcileFolder } from "../electron/core/sync/reconcile.ts";
import { planChanges } from "../electron/core/sync/plan.ts";
import { loadIgnoreRules } from "../electron/core/sync/ignore-rules.ts";
import { md5File } from "../electron/core/sync/hash.ts";

const files = flag("files", 100_000);
const folders = Math.max(1, Math.round(files / 100));
const idleSeconds = flag("idle-seconds", 60);
const dir = tempDir("docsync-bench-scan-");
const local = join(dir.path, "local");
const journalFile = join(dir.path, "home", "journal.db");

try {
  process.stdout.write(`creating ${files} files in ${folders} folders... `);
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
  const rssAfterIndex = peakRssMiB();

  // Restart: a new engine on the journal reconciles the unchanged folder by stat alone.
  const t = await startTestEngine({ journalFile, provider: cloud });
  const started = performance.now();
  const summary = await t.engine.syncOnce();
  const reconcile = (performance.now() - started) / 1000;
  const rssAfterReconcile = peakRssMiB();
  if (summary.unchanged !== made || summary.uploaded !== 0)
    throw new Error(`restart: ${JSON.stringify(summary)}`);

  // Idle with the watcher on.
  await t.engine.start();
  // Joins the start-up pass that start() queued once the watcher was live.
  await t.engine.syncOnce();

  await new Promise((r) => setTimeout(r, 2000));
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const idleShare = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore)) * 100;
  const rss = peakRssMiB();
  console.log(
    `peak RSS after index ${rssAfterIndex.toFixed(0)} MiB, after reconcile ${rssAfterReconcile.toFixed(0)} MiB`,
  );
  await t.close();

  console.log(`files: ${made} in ${folders} folders`);
  console.log(
    `first index (walk + MD5 + journal): ${firstIndex.toFixed(2)} s   goal <= 8 s    Syncthing 1.19: 11.5 s`,
  );
  console.log(
    `restart reconcile, nothing changed: ${reconcile.toFixed(2)} s   goal < 3 s     Syncthing 1.19: 4.8 s`,
  );
  console.log(
    `peak RSS:                           ${rss.toFixed(0)} MiB   goal < 200 MB  Syncthing 1.19: 191 MiB`,
  );
  console.log(
    `CPU idle ${idleSeconds} s, watcher on:       ${idleShare.toFixed(3)}% of a core   goal <= 0.2%   Syncthing 1.19: 0.18%`,
  );
} finally {
  dir.remove();
}
