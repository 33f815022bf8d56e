import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { tempDir, waitFor } from "../../../testing/harness.ts";
import { junkMatcher } from "./ignore-rules.ts";
import type { WatchHandle } from "./types.ts";
import { chokidarWatcher, foldersListedAtOnce, PacedFSWatcher } from "./watcher.ts";

let dir: ReturnType<typeof tempDir>;
let hints: string[];
let failures: Error[];
let handle: WatchHandle | undefined;

const write = (path: string, content = path): void => {
  mkdirSync(join(dir.path, path, ".."), { recursive: true });
  writeFileSync(join(dir.path, path), content);
};
const hinted = (path: string) => waitFor(() => hints.includes(join(dir.path, path)), `a hint for ${path}`);

function watch(): WatchHandle {
  handle = chokidarWatcher(
    dir.path,
    { hint: (path) => hints.push(path), failed: (error) => failures.push(error) },
    { ignored: junkMatcher() },
  );
  return handle;
}

beforeEach(() => {
  dir = tempDir("docsync-watcher-");
  hints = [];
  failures = [];
});
afterEach(async () => {
  vi.restoreAllMocks();
  await handle?.close();
  handle = undefined;
  dir.remove();
});

test("every kind of change is a hint: new, changed, deleted, renamed, new folders, an atomic save", async () => {
  write("a.txt");
  write("docs/b.txt");
  await watch().ready;
  write("new.txt");
  await hinted("new.txt");
  write("a.txt", "changed");
  await hinted("a.txt");
  rmSync(join(dir.path, "docs", "b.txt"));
  await hinted("docs/b.txt");
  write("later/deep/c.txt");
  await hinted("later/deep/c.txt");
  renameSync(join(dir.path, "later"), join(dir.path, "moved"));
  await hinted("moved");
  // An editor's save: the new content goes to a temporary file that is renamed over the document.
  write("docs/report.txt", "first");
  await hinted("docs/report.txt");
  hints.length = 0;
  write("docs/report.txt.sb-4711-tmp", "second");
  renameSync(join(dir.path, "docs", "report.txt.sb-4711-tmp"), join(dir.path, "docs", "report.txt"));
  await hinted("docs/report.txt");
  expect(failures).toEqual([]);
});

test("a file replaced by a folder of its name is watched as that folder from then on", async () => {
  write("report", "a file first");
  await watch().ready;
  rmSync(join(dir.path, "report"));
  mkdirSync(join(dir.path, "report"));
  await hinted("report");
  write("report/page.txt");
  await hinted("report/page.txt");
  renameSync(join(dir.path, "report", "page.txt"), join(dir.path, "report", "renamed.txt"));
  await hinted("report/renamed.txt");
  // Replaced again, once it was reported as a file: the same.
  hints.length = 0;
  rmSync(join(dir.path, "report"), { recursive: true });
  write("report", "a file again");
  await hinted("report");
  hints.length = 0;
  rmSync(join(dir.path, "report"));
  mkdirSync(join(dir.path, "report"));
  await hinted("report");
  write("report/again.txt");
  await hinted("report/again.txt");
  expect(failures).toEqual([]);
});

test("what the rules ignore is not watched at all; close lets go of every folder", async () => {
  write(".git/objects/pack/x");
  write("kept/a.txt");
  const add = vi.spyOn(PacedFSWatcher.prototype, "add");
  await watch().ready;
  const chokidar = add.mock.contexts[0] as PacedFSWatcher;
  const folders = Object.keys(chokidar.getWatched());
  expect(folders).toContain(join(dir.path, "kept"));
  expect(folders.filter((f) => f.includes(".git"))).toEqual([]);
  await handle!.close();
  expect(Object.keys(chokidar.getWatched())).toEqual([]);
});

test("chokidar lists only a few folders at once while it learns the tree, and still watches all", async () => {
  for (let f = 0; f < 30; f++) for (let i = 0; i < 5; i++) write(`g${f % 3}/f${f}/file${i}.txt`);
  const watcher = new PacedFSWatcher({ ignoreInitial: true });
  try {
    watcher.add(dir.path);
    await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
    expect(watcher.mostListedAtOnce).toBe(foldersListedAtOnce);
    const watched = watcher.getWatched();
    for (let f = 0; f < 30; f++) expect(watched[join(dir.path, `g${f % 3}`, `f${f}`)]).toHaveLength(5);
  } finally {
    await watcher.close();
  }
});

test("a chokidar error (inotify limit, too many open files) is reported once, and the start is not waited for", async () => {
  const add = vi.spyOn(PacedFSWatcher.prototype, "add");
  const watching = watch();
  const chokidar = add.mock.contexts[0] as PacedFSWatcher;
  const limit = Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), {
    code: "ENOSPC",
  });
  chokidar.emit("error", limit);
  chokidar.emit("error", new Error("EMFILE: too many open files"));
  await watching.ready;
  expect(failures).toEqual([limit]);
});

test("a watcher closed before it is ready is not waited for", async () => {
  for (let f = 0; f < 20; f++) write(`f${f}/a.txt`);
  const watching = watch();
  await watching.close();
  await watching.ready;
  expect(failures).toEqual([]);
});
