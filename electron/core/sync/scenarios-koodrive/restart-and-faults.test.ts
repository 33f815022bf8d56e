/** Restarts, deletes and faults on KooDrive: the journal and the retries work the same as on KDocs. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { KooDriveProvider } from "../../cloud/koodrive/provider.ts";
import { kooDriveCloud } from "../../testing/scenario-clouds.ts";
import { filesOf, startScenario, type Scenario } from "../../testing/scenario.ts";

let s: Scenario<KooDriveProvider> | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

test("a restart on an unchanged folder uploads nothing", async () => {
  s = await startScenario({ cloud: kooDriveCloud() });
  for (let i = 0; i < 30; i++) s.write(`d${i % 3}/f${i}.txt`, `file ${i}`);
  const p = await s.addPair("/r");
  expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 30 });
  const t = await s.restart();
  s.sandbox.resetStats();
  expect(await t.engine.syncOnce()).toMatchObject({ uploaded: 0, unchanged: 30, failed: 0 });
  expect(s.uploads()).toBe(0);
});

test("with 10% server errors and 2% dropped connections every file arrives exactly once", async () => {
  s = await startScenario({ cloud: kooDriveCloud() });
  const sc = s;
  for (let i = 0; i < 60; i++) sc.write(`f${i % 4}/file${i}.txt`, `payload ${i} `.repeat(i + 1));
  const p = await sc.addPair("/t");
  sc.sandbox.setFaults({ errorRate: 0.1, dropRate: 0.02 });
  const first = await sc.t.engine.syncOnce(p.id).finally(() => sc.sandbox.setFaults(null));
  expect(first.failures).toEqual([]);
  // The faults did hit: more upload requests than files.
  expect(sc.uploads()).toBeGreaterThan(60);
  const tree = await sc.remote("/t");
  expect(filesOf(tree)).toHaveLength(60);
  for (let i = 0; i < 60; i++)
    expect(tree.get(`f${i % 4}/file${i}.txt`)?.size).toBe(`payload ${i} `.repeat(i + 1).length);
  expect(await sc.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 0, unchanged: 60 });
});

test("mirror: a deleted file and a deleted folder are deleted in the cloud (delete jobs)", async () => {
  s = await startScenario({ cloud: kooDriveCloud() });
  for (let i = 0; i < 10; i++) s.write(`docs/f${i}.txt`, `file ${i}`);
  s.write("gone/a.txt", "a");
  const p = await s.addPair("/d", "mirror");
  await s.t.engine.syncOnce(p.id);
  rmSync(join(s.local, "docs/f0.txt"));
  rmSync(join(s.local, "gone"), { recursive: true });
  expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ deleted: 2, failed: 0 });
  const tree = await s.remote("/d");
  expect(tree.has("docs/f0.txt")).toBe(false);
  expect(tree.has("gone")).toBe(false);
  expect(filesOf(tree)).toHaveLength(9);
});

test("a token that lapsed between two syncs is renewed by signing in again; nothing fails", async () => {
  let offset = 0;
  s = await startScenario({ cloud: kooDriveCloud(), sandbox: { now: () => Date.now() + offset } });
  s.write("before.txt", "before");
  const p = await s.addPair("/lapse");
  expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, failed: 0 });
  offset += 21 * 60 * 1000;
  s.write("after.txt", "after");
  expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, failed: 0 });
  expect(filesOf(await s.remote("/lapse"))).toEqual(["after.txt", "before.txt"]);
});
