import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { createMemoryCloud, type MemoryCloud } from "../../../testing/memory-cloud.ts";
import { startTestEngine, tempDir, waitFor, type TestEngine } from "../../../testing/harness.ts";
import { ignoreFileName } from "./ignore-rules.ts";
import type { WatcherFactory, WatchEvents } from "./types.ts";
import { chokidarWatcher } from "./watcher.ts";

let dir: ReturnType<typeof tempDir>;
let local: string;
let cloud: MemoryCloud;
let t: TestEngine | undefined;

const write = (path: string, content = path): void => {
  mkdirSync(join(local, path, ".."), { recursive: true });
  writeFileSync(join(local, path), content);
};
/** Only the watcher can see a change: the periodic rescan is far away. */
const start = async (
  watch: WatcherFactory,
  deletePolicy: "keep" | "mirror" = "keep",
  concurrency?: number,
) => {
  t = await startTestEngine({
    journalFile: join(dir.path, "home", "journal.db"),
    provider: cloud,
    watch,
    rescanIntervalMs: 600_000,
    ...(concurrency ? { concurrency, maxConcurrency: concurrency } : {}),
  });
  const pair = await t.engine.addPair({
    accountId: t.accountId,
    localPath: local,
    remotePath: "/p",
    deletePolicy,
  });
  await t.engine.start();
  return pair.id;
};
const view = () => t!.engine.pairs()[0]!;

beforeEach(() => {
  dir = tempDir();
  local = join(dir.path, "local");
  mkdirSync(local);
  cloud = createMemoryCloud();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  dir.remove();
});

test("a watcher error degrades the pair with its reason; a watcher that works again ends that", async () => {
  let starts = 0;
  const failsFirst: WatcherFactory = (root, events, options) => {
    const watcher = chokidarWatcher(root, events, options);
    if (++starts === 1)
      setImmediate(() =>
        events.failed(Object.assign(new Error("EMFILE: too many open files"), { code: "EMFILE" })),
      );
    return watcher;
  };
  const pairId = await start(failsFirst);
  const degraded = await waitFor(
    () => (view().state === "degraded" ? view() : undefined),
    "the degraded state",
  );
  expect(degraded.message).toBe(
    "degraded: the folder watcher ran out of open files (EMFILE); rescanning periodically",
  );
  await t!.engine.pause(pairId);
  await t!.engine.resume(pairId);
  await waitFor(() => view().state === "idle", "the resumed pair to settle");
  expect(view().message).toBe("in sync");
  write("seen.txt");
  await waitFor(() => cloud.at("/p/seen.txt"), "the new watcher to see a file");
});

test("a folder the rules stop ignoring is watched from then on", async () => {
  write(ignoreFileName, "build/\n");
  write("build/first.txt");
  await start(chokidarWatcher);
  await waitFor(() => view().state === "idle", "the start-up pass");
  expect(cloud.at("/p/build/first.txt")).toBeUndefined();
  write(ignoreFileName, "");
  await waitFor(() => cloud.at("/p/build/first.txt"), "the pass with the new rules");
  await waitFor(() => view().state === "idle", "the pass to end");
  write("build/second.txt");
  await waitFor(() => cloud.at("/p/build/second.txt"), "the watcher to see the formerly ignored folder");
});

test("a file replaced by a folder, seen by the watcher only through the folder's new file, becomes that folder", async () => {
  // A quick rm and mkdir of one name can reach the engine as no event for the name at all.
  let events: WatchEvents | undefined;
  const byHand: WatcherFactory = (_root, given) => {
    events = given;
    return { close: async () => {} };
  };
  write("report", "a file first");
  await start(byHand, "mirror");
  await waitFor(() => cloud.at("/p/report")?.kind === "file", "the file's upload");
  await waitFor(() => view().state === "idle", "the start-up pass");
  rmSync(join(local, "report"));
  write("report/page.txt", "now a folder");
  events!.hint(join(local, "report", "page.txt"));
  await waitFor(() => cloud.at("/p/report/page.txt"), "the folder's file in the cloud");
  expect(cloud.at("/p/report")?.kind).toBe("folder");
  await waitFor(() => view().state === "idle", "the pass to end");
  expect(view().issues).toEqual([]);
});

test("a file replaced by an empty folder of its name becomes that folder, and what is done in it later reaches the cloud", async () => {
  write("report", "a file first");
  await start(chokidarWatcher, "mirror");
  await waitFor(() => cloud.at("/p/report")?.kind === "file", "the file's upload");
  await waitFor(() => view().state === "idle", "the start-up pass");
  rmSync(join(local, "report"));
  mkdirSync(join(local, "report"));
  await waitFor(() => cloud.at("/p/report")?.kind === "folder", "the folder in place of the file");
  write("report/page.txt", "later");
  await waitFor(() => cloud.at("/p/report/page.txt"), "the folder's new file in the cloud");
  renameSync(join(local, "report", "page.txt"), join(local, "report", "final.txt"));
  await waitFor(
    () => cloud.at("/p/report/final.txt") && !cloud.at("/p/report/page.txt"),
    "the rename in the folder to reach the cloud",
  );
});

test("a swap while the account has one lane left (the service pushed back) ends, each document keeping its id", async () => {
  write("a.txt", "content of a");
  write("b.txt", "content of b, longer");
  await start(chokidarWatcher, "mirror", 1);
  await waitFor(() => cloud.at("/p/a.txt") && cloud.at("/p/b.txt"), "the first uploads");
  await waitFor(() => view().state === "idle", "the start-up pass");
  const [a, b] = [cloud.at("/p/a.txt")!.id, cloud.at("/p/b.txt")!.id];
  renameSync(join(local, "a.txt"), join(local, "t"));
  renameSync(join(local, "b.txt"), join(local, "a.txt"));
  renameSync(join(local, "t"), join(local, "b.txt"));
  await waitFor(
    () => cloud.at("/p/a.txt")?.id === b && cloud.at("/p/b.txt")?.id === a,
    "the documents to swap names in the cloud",
  );
  await waitFor(() => view().state === "idle", "the pass to end");
  expect(cloud.stats.uploads).toBe(2);
});
