/** Restarts and crashes: the journal lets the next start continue without uploading anything twice. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, test } from "vitest";
import { waitFor } from "../../../../testing/harness.ts";
import { everyCloud } from "../../../../testing/scenario-clouds.ts";
import {
  filesOf,
  startScenario,
  type ClosableProvider,
  type Scenario,
} from "../../../../testing/scenario.ts";

let s: Scenario<ClosableProvider> | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe.each(everyCloud)("%s", (_name, makeCloud) => {
  test("a restart on an unchanged folder uploads nothing", async () => {
    const sc = (s = await startScenario({ cloud: makeCloud() }));
    for (let i = 0; i < 30; i++) sc.write(`d${i % 3}/f${i}.txt`, `file ${i}`);
    const p = await sc.addPair("/r");
    expect(await sc.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 30 });
    const t = await sc.restart();
    sc.sandbox.resetStats();
    expect(await t.engine.syncOnce()).toMatchObject({ uploaded: 0, unchanged: 30, failed: 0 });
    expect(sc.uploads()).toBe(0);
  });
});

test("kill -9 in the middle of a 500-file sync, then a restart: every file arrives exactly once", async () => {
  // A little latency keeps the sync running long enough to be killed in the middle.
  s = await startScenario({ sandbox: { faults: { latencyMs: 15 } } });
  const scenario = s;
  for (let i = 0; i < 500; i++) scenario.write(`batch${i % 10}/file${i}.txt`, `content of file ${i}`);
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL("../../../../testing/sync-child.ts", import.meta.url)),
      scenario.journalFile,
      scenario.local,
      "/crash",
      scenario.sandbox.url,
      scenario.sandbox.appId,
      scenario.sandbox.appKey,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal)),
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const synced = (): number => {
    try {
      const db = new DatabaseSync(scenario.journalFile, { readOnly: true });
      try {
        return Number(
          (db.prepare("select count(*) as n from files where remote_id is not null").get() as { n: number })
            .n,
        );
      } finally {
        db.close();
      }
    } catch {
      return 0;
    }
  };
  await waitFor(
    () => synced() >= 100 || child.exitCode !== null,
    "some uploads in the child's journal",
    30_000,
  );
  expect(child.exitCode, stderr).toBeNull();
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  const before = synced();
  expect(before).toBeLessThan(500);

  const t = await scenario.restart();
  const summary = await t.engine.syncOnce();
  expect(summary.failed).toBe(0);
  const files = filesOf(await scenario.remote("/crash"));
  expect(files).toHaveLength(500);
  expect(new Set(files).size).toBe(500);
  // At most the uploads that were in flight when the process died are sent twice.
  expect(scenario.uploads()).toBeLessThanOrEqual(500 + 4);
  expect(await t.engine.syncOnce()).toMatchObject({ uploaded: 0, unchanged: 500 });
});
