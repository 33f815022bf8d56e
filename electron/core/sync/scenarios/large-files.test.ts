/**
 * Files over KDocs' 64 MiB direct limit, through the engine: staged on OST, then imported by the
 * server, for drops and for watched folders; their task's two phases; cancel; an account without
 * large-file storage; and `kill -9` during staging and during the import.
 */
import { mkdirSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { TaskView } from "../../../../shared/model.ts";
import { md5OfFile, writeTestFile } from "../../../../testing/cloud/test-files.ts";
import type { CloudProvider } from "../../cloud/provider.ts";
import { waitFor } from "../../../../testing/harness.ts";
import { killSyncAt } from "../../../../testing/crash-child.ts";
import { importEndpoint } from "../../../../testing/scenario-clouds.ts";
import { filesOf, startScenario, type Scenario } from "../../../../testing/scenario.ts";

const MiB = 1024 * 1024;
/** Ten OST slices of 8 MiB (the last one 4 MiB): just over the direct limit, quick to send. */
const bigSize = 76 * MiB;
const sliceCount = 10;
/** Slices the OST client starts with in flight; each acknowledged one adds one while nothing pushes back. */
const inFlight = 4;
/** The sandbox's prefix for OST slice uploads, and for the staged file the import fetches. */
const slicePath = "/file/mpupload/upload";
const stagedFilePath = "/ost/files";

let s: Scenario | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const isFinal = (state: TaskView["state"]): boolean =>
  state === "succeeded" || state === "failed" || state === "partial" || state === "cancelled";

/** The task's views as the registry's feed delivered them. */
function record(sc: Scenario): TaskView[] {
  const views: TaskView[] = [];
  sc.t.tasks.subscribe((batch) => views.push(...batch.tasks));
  return views;
}

/** Each phase once, in the order the views showed them. */
const phasesOf = (views: TaskView[]): string[] =>
  views.map((v) => v.phase).filter((p, i, all): p is string => !!p && p !== all[i - 1]);

/** Slows the import (its fetch of the staged file) once staging is over, so its progress can be watched. */
function slowImport(sandbox: () => Scenario["sandbox"]) {
  return (provider: CloudProvider): CloudProvider => ({
    ...provider,
    upload: (source) =>
      provider.upload({
        ...source,
        onPhase: (phase) => {
          if (phase === "importing") sandbox().setFaults({ latencyMs: 500, pathPrefix: stagedFilePath });
          source.onPhase?.(phase);
        },
      }),
  });
}

/** A big file with content (the cloud MD5 is checked) written elsewhere, then moved into place. */
async function bigFile(sc: Scenario, path: string): Promise<{ path: string; md5: string }> {
  const staging = join(sc.dir, "incoming");
  mkdirSync(staging, { recursive: true });
  const temp = join(staging, "big.part");
  await writeTestFile(temp, bigSize);
  const md5 = await md5OfFile(temp);
  mkdirSync(join(path, ".."), { recursive: true });
  renameSync(temp, path);
  return { path, md5 };
}

/** A big file whose content does not matter (sparse: no time spent writing it). */
function sparseBigFile(path: string): string {
  writeFileSync(path, "");
  truncateSync(path, bigSize);
  return path;
}

function expectTwoPhases(views: TaskView[]): void {
  expect(phasesOf(views)).toEqual(["staging", "importing"]);
  // Each phase starts its bar again, with the total unknown until the phase's first report.
  const unknown = views.filter((v) => v.progress && v.progress.total < 0);
  for (const v of unknown) expect(v.progress!.current).toBe(0);
  const staging = views.filter((v) => v.phase === "staging" && v.progress && v.progress.total >= 0);
  expect(staging.length).toBeGreaterThan(1);
  for (const v of staging) expect(v.progress).toMatchObject({ unit: "bytes", total: bigSize });
  const sent = staging.map((v) => v.progress!.current);
  expect(sent).toEqual([...sent].sort((a, b) => a - b));
  // Speed and time left while the bytes go out.
  expect(staging.some((v) => (v.bytesPerSecond ?? 0) > 0 && (v.etaSeconds ?? 0) > 0)).toBe(true);
  // Then the bar of the server's import while it runs, ending with what the poller last reported:
  // the whole file received.
  expect(views.some((v) => v.phase === "importing" && v.state === "running")).toBe(true);
  expect(views.at(-1)).toMatchObject({
    state: "succeeded",
    phase: "importing",
    progress: { current: bigSize, total: bigSize, unit: "bytes" },
  });
}

describe("drops", () => {
  test("a large drop is staged then imported: one task, two phases, the cloud MD5 equals the local one", async () => {
    s = await startScenario({ largeFiles: true, wrapProvider: slowImport(() => s!.sandbox) });
    const sc = s;
    const big = await bigFile(sc, join(sc.dir, "drops", "video.bin"));
    const small = join(sc.dir, "drops", "notes.txt");
    writeFileSync(small, "small files keep the direct upload");
    const folder = await sc.provider.createFolder(sc.provider.rootId, "dropped");
    // Slow slices: staging lasts long enough for its speed to be measured.
    sc.sandbox.setFaults({ latencyMs: 300, pathPrefix: slicePath });
    const views = record(sc);

    const { taskIds } = await sc.t.engine.uploadPaths({
      accountId: sc.accountId,
      folderId: folder.id,
      paths: [big.path, small],
    });
    const [bigTask, smallTask] = taskIds as [string, string];
    await waitFor(() => taskIds.every((id) => isFinal(sc.t.tasks.get(id)!.state)), "both uploads", 30_000);
    sc.t.tasks.close();

    expect(sc.t.tasks.get(smallTask)).toMatchObject({ state: "succeeded", phase: "uploading" });
    expectTwoPhases(views.filter((v) => v.id === bigTask));
    const tree = await sc.remote("/dropped");
    expect(tree.get("video.bin")).toMatchObject({ size: bigSize, md5: big.md5 });
    expect(tree.get("notes.txt")).toBeDefined();
    const ost = await sc.ostStats();
    expect(Object.values(ost.uploads).map((u) => Object.values(u.slices))).toEqual([
      Array(sliceCount).fill(1),
    ]);
    expect(ost.requests.cancel).toBe(0);
    expect(sc.t.journal.uploads()).toEqual([]);
  });

  test("without large-file storage the big drop fails with what to add; the other files arrive", async () => {
    s = await startScenario();
    const sc = s;
    mkdirSync(join(sc.dir, "drops"));
    const big = sparseBigFile(join(sc.dir, "drops", "video.bin"));
    const small = join(sc.dir, "drops", "notes.txt");
    writeFileSync(small, "still uploaded");
    const folder = await sc.provider.createFolder(sc.provider.rootId, "dropped");

    const { taskIds } = await sc.t.engine.uploadPaths({
      accountId: sc.accountId,
      folderId: folder.id,
      paths: [big, small],
    });
    await waitFor(() => taskIds.every((id) => isFinal(sc.t.tasks.get(id)!.state)), "both uploads");
    const [bigTask, smallTask] = taskIds.map((id) => sc.t.tasks.get(id)!);
    expect(bigTask!.state).toBe("failed");
    expect(bigTask!.error).toMatch(/larger than 64 MiB.*large-file \(iFlytek OST\) storage.*API secret/);
    expect(smallTask!.state).toBe("succeeded");
    expect(filesOf(await sc.remote("/dropped"))).toEqual(["notes.txt"]);
    expect((await sc.ostStats()).requests).toMatchObject({ init: 0, upload: 0, single: 0 });
  });

  test("cancelling a large drop stops the staging and cancels the OST upload", async () => {
    s = await startScenario({ largeFiles: true });
    const sc = s;
    const big = await bigFile(sc, join(sc.dir, "drops", "video.bin"));
    const folder = await sc.provider.createFolder(sc.provider.rootId, "dropped");
    sc.sandbox.setFaults({ latencyMs: 400, pathPrefix: slicePath });

    const { taskIds } = await sc.t.engine.uploadPaths({
      accountId: sc.accountId,
      folderId: folder.id,
      paths: [big.path],
    });
    const id = taskIds[0]!;
    await waitFor(async () => {
      const stats = await sc.ostStats();
      return Object.values(stats.uploads).some((u) => Object.keys(u.slices).length > 0);
    }, "a first slice on OST");
    expect(sc.t.tasks.get(id)).toMatchObject({ state: "running", phase: "staging" });
    sc.t.tasks.cancel(id);

    await waitFor(async () => (await sc.ostStats()).requests.cancel === 1, "mpupload/cancel");
    await waitFor(() => sc.t.journal.uploads().length === 0, "the saved upload state to go");
    const stats = await sc.ostStats();
    const stored = Object.values(Object.values(stats.uploads)[0]!.slices).length;
    expect(stored).toBeLessThan(sliceCount);
    expect(stats.requests.complete).toBe(0);
    expect(sc.t.tasks.get(id)!.state).toBe("cancelled");
    sc.sandbox.setFaults(null);
    expect(filesOf(await sc.remote("/dropped"))).toEqual([]);
    expect(sc.sandbox.stats()[importEndpoint] ?? 0).toBe(0);
  });
  test("a drop restarted during the import polls the same import again instead of uploading again", async () => {
    s = await startScenario({ largeFiles: true, wrapProvider: slowImport(() => s!.sandbox) });
    const sc = s;
    const big = await bigFile(sc, join(sc.dir, "drops", "video.bin"));
    const folder = await sc.provider.createFolder(sc.provider.rootId, "dropped");
    const { taskIds } = await sc.t.engine.uploadPaths({
      accountId: sc.accountId,
      folderId: folder.id,
      paths: [big.path],
    });
    const id = taskIds[0]!;
    await waitFor(
      () => sc.t.journal.uploads().some((u) => (u.resume as { phase?: string }).phase === "importing"),
      "the import's task id in the journal",
      20_000,
    );

    const t = await sc.restart();
    await t.engine.start();
    await waitFor(() => isFinal(t.tasks.get(id)?.state ?? "queued"), "the resumed drop to end", 20_000);
    expect(t.tasks.get(id)).toMatchObject({ state: "succeeded", phase: "importing" });
    expect(sc.sandbox.stats()[importEndpoint]).toBe(1);
    expect((await sc.ostStats()).requests).toMatchObject({ init: 1, complete: 1, cancel: 0 });
    expect((await sc.remote("/dropped")).get("video.bin")).toMatchObject({ size: bigSize, md5: big.md5 });
    expect(t.journal.uploads()).toEqual([]);
  });
});

describe("watched folders", () => {
  test("a large file in a watched pair gets its own upload task with both phases, next to the sync task", async () => {
    s = await startScenario({ largeFiles: true, wrapProvider: slowImport(() => s!.sandbox) });
    const sc = s;
    const pair = await sc.addPair("/watched");
    await sc.t.engine.start();
    sc.sandbox.setFaults({ latencyMs: 300, pathPrefix: slicePath });
    const views = record(sc);
    sc.write("notes.txt", "a small file beside it");
    const big = await bigFile(sc, join(sc.local, "videos", "holiday.bin"));

    const own = await waitFor(
      () =>
        sc.t.tasks
          .snapshot()
          .tasks.find(
            (t) => t.kind === "upload" && t.title === "Upload videos/holiday.bin" && isFinal(t.state),
          ),
      "the large file's task to end",
      30_000,
    );
    await waitFor(() => sc.t.engine.pairs()[0]!.state === "idle", "the pair to be in sync");
    sc.t.tasks.close();

    expect(own).toMatchObject({ state: "succeeded", pairId: pair.id, cancellable: false });
    expectTwoPhases(views.filter((v) => v.id === own.id));
    const all = sc.t.tasks.snapshot().tasks;
    // The small file has no task of its own; the passes have theirs.
    expect(all.filter((t) => t.kind === "upload").map((t) => t.title)).toEqual(["Upload videos/holiday.bin"]);
    expect(all.some((t) => t.kind === "sync" && t.state === "succeeded")).toBe(true);
    const tree = await sc.remote("/watched");
    expect(tree.get("videos/holiday.bin")).toMatchObject({ size: bigSize, md5: big.md5 });
    expect(tree.get("notes.txt")).toBeDefined();
  });

  // Fails while the OST client frees the staged upload on any abort of its signal: a pause or a
  // stop (whose reason is not a "cancelled" CloudError) should keep it for the upload to continue.
  test("a pair paused mid-staging and resumed continues the same OST upload", async () => {
    s = await startScenario({ largeFiles: true });
    const sc = s;
    await bigFile(sc, join(sc.local, "video.bin"));
    const pair = await sc.addPair("/paused");
    sc.sandbox.setFaults({ latencyMs: 300, pathPrefix: slicePath });
    const pass = sc.t.engine.syncOnce(pair.id).catch(() => undefined);
    await waitFor(async () => {
      const stats = await sc.ostStats();
      return Object.values(stats.uploads).some((u) => Object.keys(u.slices).length > 0);
    }, "a first slice on OST");
    await sc.t.engine.pause(pair.id);
    await pass;
    sc.sandbox.setFaults(null);
    await sc.t.engine.resume(pair.id);
    expect(await sc.t.engine.syncOnce(pair.id)).toMatchObject({ uploaded: 1 });
    expect((await sc.ostStats()).requests).toMatchObject({ init: 1, cancel: 0 });
  });

  test("without large-file storage the big file is the pair's issue, with what to add; the others flow", async () => {
    // A bandwidth cap: the refused file must not hold the others back for its 76 MiB of budget.
    s = await startScenario({ engine: { bandwidthBytesPerSecond: 2 * MiB } });
    const sc = s;
    sparseBigFile(join(sc.local, "a-video.bin"));
    for (let i = 0; i < 3; i++) sc.write(`doc${i}.txt`, `document ${i}`);
    const pair = await sc.addPair("/no-ost");

    const started = Date.now();
    const summary = await sc.t.engine.syncOnce(pair.id);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(summary).toMatchObject({ uploaded: 3, failed: 1 });
    expect(summary.failures).toEqual([
      expect.objectContaining({
        path: "a-video.bin",
        reason: expect.stringMatching(/larger than 64 MiB.*large-file.*OST/),
      }),
    ]);
    const view = sc.t.engine.pairs()[0]!;
    expect(view.issues).toEqual([
      expect.objectContaining({
        path: "a-video.bin",
        reason: expect.stringMatching(/Add its app id, API key and API secret/),
        nextRetryAt: expect.any(Number),
      }),
    ]);
    expect(filesOf(await sc.remote("/no-ost"))).toEqual(["doc0.txt", "doc1.txt", "doc2.txt"]);
    // No task of its own: the explanation lives in the pair, not in a failed task per retry.
    expect(sc.t.tasks.snapshot().tasks.filter((t) => t.kind === "upload")).toEqual([]);
    expect((await sc.ostStats()).requests.init).toBe(0);
  });
});

describe("kill -9 and restart", () => {
  /** Runs the sync in a child process that freezes at `point`, kills it there with SIGKILL. */
  const killAt = (sc: Scenario, point: string): Promise<void> =>
    killSyncAt(sc, point, { remote: "/crash", env: { DOCSYNC_CHILD_OST: JSON.stringify(sc.largeFiles) } });

  /** Restarts in this process and finishes the sync: the file arrives once, whole. */
  async function finish(sc: Scenario, md5: string) {
    const t = await sc.restart();
    const summary = await t.engine.syncOnce();
    expect(summary).toMatchObject({ uploaded: 1, failed: 0 });
    const tree = await sc.remote("/crash");
    expect(filesOf(tree)).toEqual(["video.bin"]);
    expect(tree.get("video.bin")).toMatchObject({ size: bigSize, md5 });
    // The task the killed process made is the one that ends, after both phases.
    const uploads = t.tasks.snapshot().tasks.filter((v) => v.kind === "upload");
    expect(uploads).toEqual([
      expect.objectContaining({ title: "Upload video.bin", state: "succeeded", phase: "importing" }),
    ]);
    expect(t.journal.uploads()).toEqual([]);
    expect(await t.engine.syncOnce()).toMatchObject({ uploaded: 0, unchanged: 1 });
    const ost = await sc.ostStats();
    // One OST upload, continued after the restart rather than begun again.
    expect(ost.requests.init).toBe(1);
    expect(ost.requests.complete).toBe(1);
    const slices = Object.values(ost.uploads)[0]!.slices;
    expect(
      Object.keys(slices)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: sliceCount }, (_, i) => i + 1));
    expect(sc.sandbox.stats()[importEndpoint]).toBe(1);
    return Object.values(slices);
  }

  test.each([
    ["after the first acknowledged slice", 1],
    ["half way", 5],
  ])("killed %s: the restart sends only the slices that were in flight again", async (_, acked) => {
    s = await startScenario({ largeFiles: true });
    const big = await bigFile(s, join(s.local, "video.bin"));
    await killAt(s, `acked:${acked}`);
    const counts = await finish(s, big.md5);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
    // The acknowledged slices went once; the killed process had at most the other slices of its
    // window in flight.
    expect(counts.filter((n) => n === 1).length).toBeGreaterThanOrEqual(acked);
    expect(counts.filter((n) => n === 2).length).toBeLessThanOrEqual(inFlight + acked - 1);
  });

  test("killed after staging completed, before the import was asked for: nothing is sent again", async () => {
    s = await startScenario({ largeFiles: true });
    const big = await bigFile(s, join(s.local, "video.bin"));
    await killAt(s, "staged");
    expect(s.sandbox.stats()[importEndpoint] ?? 0).toBe(0);
    const counts = await finish(s, big.md5);
    expect(counts).toEqual(Array(sliceCount).fill(1));
  });

  test("killed during the import: the restart polls the same import instead of uploading again", async () => {
    s = await startScenario({ largeFiles: true });
    const big = await bigFile(s, join(s.local, "video.bin"));
    await killAt(s, "importing");
    expect(s.sandbox.stats()[importEndpoint]).toBe(1);
    const counts = await finish(s, big.md5);
    expect(counts).toEqual(Array(sliceCount).fill(1));
    expect(s.sandbox.stats()["GET /api/v1/openapi/appspace/file/async/upload/:task_id"]).toBeGreaterThan(0);
  });
});
