import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createMemoryCloud, type MemoryCloud } from "../testing/memory-cloud.ts";
import { startTestEngine, tempDir, type TestEngine } from "../testing/harness.ts";

let dir: ReturnType<typeof tempDir>;
let local: string;
let cloud: MemoryCloud;
let t: TestEngine;

const write = (path: string, content: string): void => {
  mkdirSync(join(local, path, ".."), { recursive: true });
  writeFileSync(join(local, path), content);
};

beforeEach(() => {
  dir = tempDir();
  local = join(dir.path, "local");
  mkdirSync(local);
  cloud = createMemoryCloud();
  t = startTestEngine({ journalFile: join(dir.path, "journal.db"), provider: cloud });
});
afterEach(async () => {
  await t.close();
  dir.remove();
});

describe("sync engine on the in-memory cloud", () => {
  test("uploads new files into nested folders, then nothing on a second pass", async () => {
    write("a.txt", "a");
    write("docs/deep/b.txt", "bb");
    const pair = await t.engine.addPair({
      accountId: "acc",
      localPath: local,
      remotePath: "/Backup/pc",
      deletePolicy: "keep",
    });
    const first = await t.engine.syncOnce(pair.id);
    expect(first).toMatchObject({ uploaded: 2, failed: 0 });
    expect(cloud.content(cloud.at("/Backup/pc/docs/deep/b.txt")!.id)?.toString()).toBe("bb");
    const second = await t.engine.syncOnce(pair.id);
    expect(second).toMatchObject({ uploaded: 0, unchanged: 2 });
  });

  test("a rename and a move become server operations that keep the file's id", async () => {
    write("a.txt", "a");
    write("x/b.txt", "b");
    const pair = await t.engine.addPair({
      accountId: "acc",
      localPath: local,
      remotePath: "/p",
      deletePolicy: "keep",
    });
    await t.engine.syncOnce(pair.id);
    const aId = cloud.at("/p/a.txt")!.id;
    const bId = cloud.at("/p/x/b.txt")!.id;
    renameSync(join(local, "a.txt"), join(local, "renamed.txt"));
    mkdirSync(join(local, "y"));
    renameSync(join(local, "x/b.txt"), join(local, "y/b2.txt"));
    const uploadsBefore = cloud.stats.uploads;
    const s = await t.engine.syncOnce(pair.id);
    expect(s).toMatchObject({ uploaded: 0, moved: 1, renamed: 2, failed: 0 });
    expect(cloud.stats.uploads).toBe(uploadsBefore);
    expect(cloud.at("/p/renamed.txt")?.id).toBe(aId);
    expect(cloud.at("/p/y/b2.txt")?.id).toBe(bId);
  });

  test("a folder moved with its content is one server move", async () => {
    write("from/one/a.txt", "a");
    write("from/one/b.txt", "b");
    mkdirSync(join(local, "to"));
    const pair = await t.engine.addPair({
      accountId: "acc",
      localPath: local,
      remotePath: "/p",
      deletePolicy: "keep",
    });
    await t.engine.syncOnce(pair.id);
    const folderId = cloud.at("/p/from/one")!.id;
    renameSync(join(local, "from/one"), join(local, "to/one"));
    const moves = cloud.stats.calls.startMove ?? 0;
    const s = await t.engine.syncOnce(pair.id);
    expect(s).toMatchObject({ uploaded: 0, moved: 1, failed: 0 });
    expect(cloud.stats.calls.startMove).toBe(moves + 1);
    expect(cloud.at("/p/to/one")?.id).toBe(folderId);
    expect(cloud.at("/p/to/one/b.txt")).toBeDefined();
  });

  test("mirror deletes, and the guard holds back a mass delete until confirmed", async () => {
    for (let i = 0; i < 20; i++) write(`f${i}.txt`, `content ${i}`);
    const pair = await t.engine.addPair({
      accountId: "acc",
      localPath: local,
      remotePath: "/p",
      deletePolicy: "mirror",
    });
    await t.engine.syncOnce(pair.id);
    rmSync(join(local, "f0.txt"));
    expect(await t.engine.syncOnce(pair.id)).toMatchObject({ deleted: 1 });
    expect(cloud.at("/p/f0.txt")).toBeUndefined();
    for (let i = 1; i < 10; i++) rmSync(join(local, `f${i}.txt`));
    expect(await t.engine.syncOnce(pair.id)).toMatchObject({ deleted: 0 });
    expect(t.engine.pairs()[0]).toMatchObject({ state: "needs-confirmation", pendingDeletes: 9 });
    expect(cloud.at("/p/f5.txt")).toBeDefined();
    await t.engine.confirmDeletes(pair.id, true);
    expect(cloud.at("/p/f5.txt")).toBeUndefined();
    expect(t.engine.pairs()[0]).toMatchObject({ state: "idle", pendingDeletes: 0 });
  });
});
