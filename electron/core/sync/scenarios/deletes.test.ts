/** Local deletes under each policy, and the guard against deleting half the cloud by mistake. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { everyCloud } from "../../../../testing/scenario-clouds.ts";
import {
  filesOf,
  startScenario,
  type ClosableProvider,
  type Scenario,
} from "../../../../testing/scenario.ts";

async function syncedPair(sc: Scenario<ClosableProvider>, deletePolicy: "keep" | "mirror", count: number) {
  for (let i = 0; i < count; i++) sc.write(`docs/f${i}.txt`, `file ${i}`);
  sc.write("gone/a.txt", "a");
  const p = await sc.addPair("/d", deletePolicy);
  await sc.t.engine.syncOnce(p.id);
  return p;
}

describe.each(everyCloud)("%s", (_name, makeCloud) => {
  let sc: Scenario<ClosableProvider>;
  beforeEach(async () => {
    sc = await startScenario({ cloud: makeCloud() });
  });
  afterEach(async () => {
    await sc.close();
  });

  test("mirror: a deleted file and a deleted folder are deleted in the cloud", async () => {
    const p = await syncedPair(sc, "mirror", 20);
    rmSync(join(sc.local, "docs/f0.txt"));
    rmSync(join(sc.local, "gone"), { recursive: true });
    expect(await sc.t.engine.syncOnce(p.id)).toMatchObject({ deleted: 2, failed: 0 });
    const tree = await sc.remote("/d");
    expect(tree.has("docs/f0.txt")).toBe(false);
    expect(tree.has("gone")).toBe(false);
    expect(filesOf(tree)).toHaveLength(19);
  });
});

// The policies and the guard are the engine's own: one cloud shows them.
describe("KDocs", () => {
  let s: Scenario;
  beforeEach(async () => {
    s = await startScenario();
  });
  afterEach(async () => {
    await s.close();
  });

  test("keep: local deletes never delete in the cloud", async () => {
    const p = await syncedPair(s, "keep", 4);
    rmSync(join(s.local, "docs/f0.txt"));
    rmSync(join(s.local, "gone"), { recursive: true });
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ deleted: 0, failed: 0 });
    expect(filesOf(await s.remote("/d"))).toEqual([
      "docs/f0.txt",
      "docs/f1.txt",
      "docs/f2.txt",
      "docs/f3.txt",
      "gone/a.txt",
    ]);
  });

  test("mirror: deleting more than 30% of the pair waits for confirmation", async () => {
    const p = await syncedPair(s, "mirror", 20);
    for (let i = 0; i < 10; i++) rmSync(join(s.local, `docs/f${i}.txt`));
    s.write("docs/new.txt", "other work still flows");
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ deleted: 0, uploaded: 1 });
    expect(s.t.engine.pairs()[0]).toMatchObject({ state: "needs-confirmation", pendingDeletes: 10 });
    expect(filesOf(await s.remote("/d"))).toHaveLength(22);
    // Another pass still holds them.
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ deleted: 0 });
    const view = await s.t.engine.confirmDeletes(p.id, true);
    expect(view).toMatchObject({ pendingDeletes: 0 });
    expect(view.state).not.toBe("needs-confirmation");
    expect(filesOf(await s.remote("/d"))).toHaveLength(12);
  });

  test("mirror: declined deletes are dropped and the cloud keeps the files", async () => {
    const p = await syncedPair(s, "mirror", 60);
    rmSync(join(s.local, "docs"), { recursive: true });
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ deleted: 0 });
    expect(s.t.engine.pairs()[0]).toMatchObject({ state: "needs-confirmation", pendingDeletes: 60 });
    await s.t.engine.confirmDeletes(p.id, false);
    expect(s.t.engine.pairs()[0]).toMatchObject({ pendingDeletes: 0 });
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ deleted: 0 });
    expect(filesOf(await s.remote("/d"))).toHaveLength(61);
  });

  test("syncOnce with allowMassDelete deletes past the guard", async () => {
    const p = await syncedPair(s, "mirror", 60);
    rmSync(join(s.local, "docs"), { recursive: true });
    expect(await s.t.engine.syncOnce(p.id, { allowMassDelete: true })).toMatchObject({ deleted: 60 });
    expect(filesOf(await s.remote("/d"))).toEqual(["gone/a.txt"]);
  });
});
