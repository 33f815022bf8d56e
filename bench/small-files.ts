/**
 * `npm run bench -- small-files [--files N] [--concurrency C]`: the first sync of 10,000 files of
 * 4 KiB to the local cloud running as its own process. Goal: 500 files/s.
 * Reference: rclone 1.60 copies 10,000 files of 4 KiB to a loopback WebDAV server at 31 files/s.
 */
import { join } from "node:path";
import { createKdocsProvider } from "../electron/core/cloud/kdocs/provider.ts";
import { flag, makeTreeInChild, spawnSandbox } from "../testing/bench-support.ts";
import { startTestEngine, tempDir } from "../testing/harness.ts";

const files = flag("files", 10_000);
const concurrency = flag("concurrency", 8);
const dir = tempDir("docsync-bench-small-");
const local = join(dir.path, "local");
const sandbox = await spawnSandbox(["--plan", "unlimited"]);
const provider = createKdocsProvider({ baseUrl: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey });
const t = await startTestEngine({ journalFile: join(dir.path, "home", "journal.db"), provider, concurrency });
try {
  const made = makeTreeInChild(local, Math.max(1, Math.round(files / 100)), Math.min(100, files), 4096);
  const pair = await t.engine.addPair({
    accountId: t.accountId,
    localPath: local,
    remotePath: "/small",
    deletePolicy: "keep",
  });
  const started = performance.now();
  const summary = await t.engine.syncOnce(pair.id);
  const seconds = (performance.now() - started) / 1000;
  if (summary.uploaded !== made || summary.failed !== 0) throw new Error(`sync: ${JSON.stringify(summary)}`);
  const cpu = process.cpuUsage();
  console.log(
    `files: ${made} of 4 KiB, concurrency ${concurrency}, sandbox in its own process; client CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
  );
  console.log(
    `first sync: ${seconds.toFixed(2)} s = ${(made / seconds).toFixed(0)} files/s   goal 500 files/s   rclone 1.60: 31 files/s`,
  );
} finally {
  await t.close();
  provider.close();
  await sandbox.stop();
  dir.remove();
}
