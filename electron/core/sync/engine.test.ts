import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createMemoryCloud, type MemoryCloud } from "../../../testing/memory-cloud.ts";
import { startTestEngine, tempDir, waitFor, type TestEngine } from "../../../testing/harness.ts";
import type { WatchHandle, WatcherFactory } from "./types.ts";
import { chokidarWatcher } from "./watcher.ts";

let dir: ReturnType<typeof tempDir>;
let local: string;
let cloud: MemoryCloud;
let t: TestEngine;

const addPair = ({
  localPath = local,
  remotePath = "/p",
  deletePolicy = "keep",
}: { localPath?: string; remotePath?: string; deletePolicy?: "keep" | "mirror" } = {}) =>
  t.engine.addPair({ accountId: t.accountId, localPath, remotePath, deletePolicy });

const write = (path: string, content: string): void => {
  mkdirSync(join(local, path, ".."), { recursive: true });
  writeFileSync(join(local, path), content);
};

beforeEach(async () => {
  dir = tempDir();
  local = join(dir.path, "local");
  mkdirSync(local);
  cloud = createMemoryCloud();
  t = await startTestEngine({ journalFile: join(dir.path, "home", "journal.db"), provider: cloud });
});
afterEach(async () => {
  await t.close();
  dir.remove();
});

describe("sync engine on the in-memory cloud", () => {
  test("uploads new files into nested folders, then nothing on a second pass", async () => {
    write("a.txt", "a");
    write("docs/deep/b.txt", "bb");
    const pair = await addPair({ remotePath: "/Backup/pc" });
    const first = await t.engine.syncOnce(pair.id);
    expect(first).toMatchObject({ uploaded: 2, failed: 0 });
    expect(cloud.content(cloud.at("/Backup/pc/docs/deep/b.txt")!.id)?.toString()).toBe("bb");
    const second = await t.engine.syncOnce(pair.id);
    expect(second).toMatchObject({ uploaded: 0, unchanged: 2 });
  });

  test("a rename and a move become server operations that keep the file's id", async () => {
    write("a.txt", "a");
    write("x/b.txt", "b");
    const pair = await addPair();
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
    const pair = await addPair();
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
    const pair = await addPair({ deletePolicy: "mirror" });
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

describe("the engine's contract with the core", () => {
  test("bad pairs are refused with the error codes the UI shows", async () => {
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => "accepted",
        (error: { ipc?: { code: string } }) => error.ipc?.code,
      );
    write("file.txt", "x");
    expect(await code(addPair({ localPath: join(local, "missing") }))).toBe("invalid-input");
    expect(await code(addPair({ localPath: join(local, "file.txt") }))).toBe("invalid-input");
    expect(await code(addPair({ remotePath: "no/leading/slash" }))).toBe("invalid-input");
    await addPair();
    expect(await code(addPair())).toBe("conflict");
    mkdirSync(join(local, "inner"));
    expect(await code(addPair({ localPath: join(local, "inner") }))).toBe("invalid-input");
    expect(await code(t.engine.pause("no-such-pair"))).toBe("not-found");
  });

  test("every pass tells which cloud folders changed, for the tree to refresh", async () => {
    const changed: string[][] = [];
    t.core.subscribe((event) => {
      if (event.name === "tree.changed") changed.push(event.payload.folderIds);
    });
    write("docs/a.txt", "a");
    const pair = await addPair();
    await t.engine.syncOnce(pair.id);
    const root = cloud.at("/p")!.id;
    const docs = cloud.at("/p/docs")!.id;
    expect(changed.flat()).toEqual(expect.arrayContaining([root, docs]));
    changed.length = 0;
    await t.engine.syncOnce(pair.id);
    expect(changed).toEqual([]);
    mkdirSync(join(local, "later"));
    renameSync(join(local, "docs/a.txt"), join(local, "later/a.txt"));
    await t.engine.syncOnce(pair.id);
    expect(changed.flat()).toEqual(expect.arrayContaining([docs, cloud.at("/p/later")!.id]));
  });

  test("start() resolves only once the watcher is live: a file written right after is synced", async () => {
    await t.close();
    // A watcher that needs a while to become live, like one that crawls the tree first.
    const slowWatcher: WatcherFactory = (root, events) => {
      let inner: WatchHandle | undefined;
      let closed = false;
      const ready = new Promise<void>((resolve) =>
        setTimeout(() => {
          if (!closed) inner = chokidarWatcher(root, events);
          void (inner?.ready ?? Promise.resolve()).then(resolve);
        }, 300),
      );
      return { ready, close: async () => void ((closed = true), await inner?.close()) };
    };
    t = await startTestEngine({
      journalFile: join(dir.path, "home", "journal.db"),
      provider: cloud,
      watch: slowWatcher,
      rescanIntervalMs: 600_000,
    });
    await addPair();
    await t.engine.start();
    // Joins the start-up pass: once it is over only the watcher can see the next file.
    await t.engine.syncOnce();
    write("early.txt", "written at once");
    await waitFor(() => cloud.at("/p/early.txt"), "the early file in the cloud", 3000);
  });

  test("a drop uploads files and a nested folder, one task per file; a vanished file is a failed task", async () => {
    const target = await cloud.createFolder(cloud.rootId, "Inbox");
    write("drop/one.txt", "1");
    write("drop/sub/two.txt", "22");
    write("three.txt", "333");
    write("gone.txt", "soon gone");
    cloud.beforeUpload = (source) => {
      if (source.name === "gone.txt") rmSync(source.localPath);
    };
    const { taskIds } = await t.engine.uploadPaths({
      accountId: t.accountId,
      folderId: target.id,
      paths: [join(local, "drop"), join(local, "three.txt"), join(local, "gone.txt")],
    });
    expect(taskIds).toHaveLength(4);
    await t.runner.whenFinal(taskIds);
    const byTitle = new Map(taskIds.map((id) => [t.tasks.get(id)!.title, t.tasks.get(id)!]));
    expect(byTitle.get("Upload gone.txt")).toMatchObject({
      state: "failed",
      error: "The file no longer exists.",
    });
    for (const name of ["one.txt", "two.txt", "three.txt"])
      expect(byTitle.get(`Upload ${name}`)?.state).toBe("succeeded");
    expect(cloud.content(cloud.at("/Inbox/drop/sub/two.txt")!.id)?.toString()).toBe("22");
    expect(cloud.at("/Inbox/drop/one.txt")).toBeDefined();
    expect(cloud.at("/Inbox/three.txt")).toBeDefined();
    await expect(
      t.engine.uploadPaths({ accountId: t.accountId, folderId: target.id, paths: [join(local, "nothing")] }),
    ).rejects.toMatchObject({ ipc: { code: "not-found" } });
  });

  test("a drop left unfinished by the last run is resumed by syncOnce", async () => {
    const target = await cloud.createFolder(cloud.rootId, "Inbox");
    write("late.txt", "resumed");
    const left = t.tasks.create({
      kind: "upload",
      title: "Upload late.txt",
      accountId: t.accountId,
      cancellable: true,
      resume: {
        accountId: t.accountId,
        localPath: join(local, "late.txt"),
        parentId: target.id,
        name: "late.txt",
      },
    });
    await t.close();
    t = await startTestEngine({ journalFile: join(dir.path, "home", "journal.db"), provider: cloud });
    await t.engine.syncOnce();
    await waitFor(() => t.tasks.get(left.id)?.state === "succeeded", "the resumed drop");
    expect(cloud.content(cloud.at("/Inbox/late.txt")!.id)?.toString()).toBe("resumed");
  });
});
