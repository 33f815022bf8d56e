import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, expect, test } from "vitest";
import { tempDir } from "../../../testing/harness.ts";
import { migrations } from "./migrations.ts";
import { openJournal, openJournalOrStartAfresh } from "./index.ts";

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

test("migrations run once and reopening keeps the data", () => {
  const d = tempDir();
  dirs.push(d);
  const file = join(d.path, "j", "journal.db");
  let journal = openJournal(file);
  journal.putPair({
    id: "p",
    accountId: "a",
    localPath: "/x",
    remotePath: "/r",
    deletePolicy: "mirror",
    paused: false,
    remoteRootId: "7",
    createdAt: 1,
  });
  journal.putFile("p", {
    path: "a/b.txt",
    size: 3,
    mtimeMs: 1.5,
    ino: 9,
    dev: 0,
    btimeMs: 0,
    md5: "m",
    remoteId: "r1",
    remoteVersion: 2,
  });
  journal.close();
  journal = openJournal(file);
  expect(journal.pairs()).toEqual([
    expect.objectContaining({ id: "p", deletePolicy: "mirror", remoteRootId: "7" }),
  ]);
  expect(journal.file("p", "a/b.txt")).toMatchObject({ mtimeMs: 1.5, remoteId: "r1" });
  journal.close();
  const db = new DatabaseSync(file);
  expect(db.prepare("select version from schema_version").get()).toEqual({ version: migrations.length });
  expect(db.prepare("pragma journal_mode").get()).toEqual({ journal_mode: "wal" });
  db.close();
});

test("a journal from a newer docsync is refused with a clear error", () => {
  const d = tempDir();
  dirs.push(d);
  const file = join(d.path, "journal.db");
  openJournal(file).close();
  const db = new DatabaseSync(file);
  db.prepare("update schema_version set version = 99").run();
  db.close();
  expect(() => openJournal(file)).toThrow(/newer docsync/);
});

test("a folder move renames every path below it, and only below it", () => {
  const journal = openJournal(":memory:");
  const file = (path: string) => ({
    path,
    size: 1,
    mtimeMs: 1,
    ino: 1,
    dev: 0,
    btimeMs: 0,
    md5: null,
    remoteId: "r",
    remoteVersion: 1,
  });
  for (const p of ["a/x.txt", "a/b/y.txt", "a_b/z.txt", "ab.txt"]) journal.putFile("p", file(p));
  journal.putFolder("p", { path: "a", remoteId: "fa" });
  journal.putFolder("p", { path: "a/b", remoteId: "fb" });
  journal.movePath("p", "a", "moved/a2", true);
  expect(
    journal
      .files("p")
      .map((f) => f.path)
      .sort(),
  ).toEqual(["a_b/z.txt", "ab.txt", "moved/a2/b/y.txt", "moved/a2/x.txt"]);
  expect(
    journal
      .folders("p")
      .map((f) => f.path)
      .sort(),
  ).toEqual(["moved/a2", "moved/a2/b"]);
  journal.deleteBelow("p", "moved");
  expect(
    journal
      .files("p")
      .map((f) => f.path)
      .sort(),
  ).toEqual(["a_b/z.txt", "ab.txt"]);
  journal.close();
});

test("a failed transaction leaves nothing behind", () => {
  const journal = openJournal(":memory:");
  expect(() =>
    journal.transaction(() => {
      journal.putFile("p", {
        path: "a",
        size: 1,
        mtimeMs: 1,
        ino: 1,
        dev: 0,
        btimeMs: 0,
        md5: null,
        remoteId: null,
        remoteVersion: null,
      });
      throw new Error("crash");
    }),
  ).toThrow("crash");
  expect(journal.files("p")).toEqual([]);
  const e = journal.appendEvent({ time: 5, level: "warn", text: "hello", pairId: "p" });
  expect(journal.events(10)).toEqual([e]);
  journal.close();
});

test("a journal of the previous schema keeps its pairs and gains script rules and script runs", () => {
  const d = tempDir();
  dirs.push(d);
  const file = join(d.path, "journal.db");
  const db = new DatabaseSync(file);
  db.exec("create table schema_version (version integer not null); insert into schema_version values (2)");
  for (const sql of migrations.slice(0, 2)) db.exec(sql);
  db.prepare(
    "insert into pairs (id, account_id, local_path, remote_path, delete_policy, created_at) values ('p', 'a', '/x', '/r', 'keep', 1)",
  ).run();
  db.close();

  const journal = openJournal(file);
  const [pair] = journal.pairs();
  expect(pair).toMatchObject({ id: "p", localPath: "/x" });
  expect(pair!.scriptRule).toBeUndefined();
  journal.putPair({ ...pair!, scriptRule: { extensions: ["xlsx"], script: "console.log(1)" } });
  expect(journal.pairs()[0]!.scriptRule).toEqual({ extensions: ["xlsx"], script: "console.log(1)" });

  const run = { pairId: "p", path: "a.xlsx", remoteId: "r1", version: 1, uploadTaskId: "t0" };
  expect(journal.claimScriptRun(run, 5)).toBe(true);
  expect(journal.claimScriptRun(run, 6)).toBe(false);
  expect(journal.claimScriptRun({ ...run, version: 2 }, 7)).toBe(true);
  journal.setScriptRunTask(run, "t1");
  expect(journal.scriptRuns("p").map((r) => [r.version, r.taskId])).toEqual([
    [1, "t1"],
    [2, null],
  ]);
  journal.putUploadHook(run, 8);
  expect(journal.uploadHooks()).toEqual([run]);
  // Removing the pair forgets all of it.
  journal.deletePair("p");
  expect(journal.scriptRuns("p")).toEqual([]);
  expect(journal.uploadHooks()).toEqual([]);
  journal.close();
});

test("a damaged journal is moved aside with its -wal, untouched, and a fresh one is started", () => {
  const d = tempDir();
  dirs.push(d);
  const file = join(d.path, "journal.db");
  writeFileSync(file, "this is not a database, it is what a bad disk left behind".repeat(100));
  writeFileSync(`${file}-wal`, "half a write-ahead log");
  const { journal, movedAside } = openJournalOrStartAfresh(file, Date.UTC(2025, 0, 2, 3, 4, 5));
  expect(movedAside).toBe(`${file}.damaged-2025-01-02T03-04-05-000Z`);
  expect(readFileSync(movedAside!, "utf8")).toContain("what a bad disk left behind");
  expect(readFileSync(`${movedAside}-wal`, "utf8")).toBe("half a write-ahead log");
  expect(journal.pairs()).toEqual([]);
  journal.close();
  // A sound journal is opened as it is.
  expect(openJournalOrStartAfresh(file, 0).movedAside).toBeUndefined();
});

test("the cloud entries last listed for a pair are kept by folder and forgotten with the pair", () => {
  const journal = openJournal(":memory:");
  const entry = { kind: "file", size: 3, version: 1, mtime: 5 } as const;
  journal.putRemoteEntry("p", { ...entry, id: "f1", parentId: "root", name: "b.txt", md5: "m" });
  journal.putRemoteEntry("p", { ...entry, id: "f2", parentId: "root", name: "a.txt" });
  journal.putRemoteEntry("q", { ...entry, id: "f1", parentId: "root", name: "other.txt" });
  expect(journal.remoteChildren("p", "root").map((e) => e.name)).toEqual(["a.txt", "b.txt"]);
  expect(journal.remoteEntry("p", "f1")).toEqual({
    ...entry,
    id: "f1",
    parentId: "root",
    name: "b.txt",
    md5: "m",
  });
  expect(journal.remoteEntry("p", "f2")).not.toHaveProperty("md5");
  journal.deletePair("p");
  expect(journal.remoteEntryCount("p")).toBe(0);
  expect(journal.remoteEntryCount("q")).toBe(1);
  journal.close();
});
