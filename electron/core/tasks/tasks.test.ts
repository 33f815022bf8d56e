import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { openJournal } from "../journal/index.ts";
import { createMemoryCloud } from "../../../testing/memory-cloud.ts";
import { tempDir, waitFor } from "../../../testing/harness.ts";
import { createTaskPoller, createTaskRegistry } from "./index.ts";
import type { TaskBatch } from "./types.ts";

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
const journalFile = () => {
  const d = tempDir();
  dirs.push(d);
  return join(d.path, "journal.db");
};

test("the feed coalesces 200 tasks' progress into at most ~10 numbered batches a second, final states included", async () => {
  const journal = openJournal(journalFile());
  const registry = createTaskRegistry({ journal });
  const batches: TaskBatch[] = [];
  registry.subscribe((b) => batches.push(b));
  const handles = Array.from({ length: 200 }, (_, i) =>
    registry.create({ kind: "upload", title: `file ${i}`, cancellable: true }),
  );
  const started = Date.now();
  for (let step = 1; step <= 50; step++) {
    for (const h of handles) h.progress(step, 50, "items");
    await new Promise((r) => setTimeout(r, 10));
  }
  handles.forEach((h, i) => (i % 2 ? h.succeed() : h.fail("no luck")));
  await waitFor(() => batches.at(-1)?.tasks.some((t) => t.state === "failed"), "the final batch");
  const seconds = (Date.now() - started) / 1000;
  expect(batches.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);
  expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i + 1));
  const finals = new Map<string, string>();
  for (const b of batches) for (const t of b.tasks) finals.set(t.id, t.state);
  expect([...finals.values()].filter((s) => s === "succeeded")).toHaveLength(100);
  expect([...finals.values()].filter((s) => s === "failed")).toHaveLength(100);
  expect(registry.snapshot().seq).toBe(batches.at(-1)!.seq);
  registry.close();
  journal.close();
});

test("tasks survive a restart; unfinished ones come back with their resume data", () => {
  const file = journalFile();
  let journal = openJournal(file);
  let registry = createTaskRegistry({ journal });
  const running = registry.create({
    kind: "upload",
    title: "big.iso",
    cancellable: true,
    resume: { slice: 1 },
  });
  running.start("staging");
  running.setResume({ slice: 7 });
  const done = registry.create({ kind: "move", title: "move 3 items", cancellable: false });
  done.succeed();
  registry.close();
  journal.close();

  journal = openJournal(file);
  registry = createTaskRegistry({ journal });
  expect(registry.get(done.id)?.state).toBe("succeeded");
  const unfinished = registry.unfinished();
  expect(unfinished).toHaveLength(1);
  expect(unfinished[0]).toMatchObject({
    view: { id: running.id, state: "running", phase: "staging" },
    resume: { slice: 7 },
  });
  unfinished[0]!.handle.succeed();
  expect(registry.get(running.id)?.state).toBe("succeeded");
  expect(() => registry.cancel(done.id)).not.toThrow();
  registry.clearFinished();
  expect(registry.snapshot().tasks).toEqual([]);
  registry.close();
  journal.close();
});

test("cancel aborts the task's signal and is final", () => {
  const journal = openJournal(":memory:");
  const registry = createTaskRegistry({ journal });
  const h = registry.create({ kind: "upload", title: "x", cancellable: true });
  registry.cancel(h.id);
  expect(h.signal.aborted).toBe(true);
  h.succeed();
  expect(registry.get(h.id)?.state).toBe("cancelled");
  registry.close();
  journal.close();
});

test("the poller paces itself on a task's progress: a few status calls per move, not dozens", async () => {
  const cloud = createMemoryCloud({ moveItemsPerSecond: 50 });
  const journal = openJournal(":memory:");
  const poller = createTaskPoller({ journal, providerFor: () => cloud });
  const source = await cloud.createFolder(cloud.rootId, "from");
  const target = await cloud.createFolder(cloud.rootId, "to");
  const waits = [];
  for (let batch = 0; batch < 3; batch++) {
    const ids = [];
    for (let i = 0; i < 60; i++) ids.push((await cloud.createFolder(source.id, `b${batch}-${i}`)).id);
    const start = await cloud.startMove(ids, target.id);
    if (start.done) throw new Error("expected a task");
    waits.push(poller.wait("acc", start.task));
  }
  const results = await Promise.all(waits);
  expect(results.every((r) => r.state === "succeeded")).toBe(true);
  const stats = poller.stats();
  // Each 60-item move takes ~1.2 s; polling every 100 ms would be 12 calls.
  expect(stats.median).toBeLessThanOrEqual(4);
  expect(poller.pending()).toEqual([]);
  console.log(`poller: median ${stats.median} status calls per task (${stats.callsPerTask.join(", ")})`);
  poller.stop();
  journal.close();
});

test("a new phase drops the previous phase's speed and time left", () => {
  const journal = openJournal(journalFile());
  let clock = 1_000;
  const registry = createTaskRegistry({ journal, now: () => clock });
  const task = registry.create({ kind: "upload", title: "video.mp4", cancellable: true });
  task.progress(0, 100 * 2 ** 20, "bytes", "staging");
  clock += 1_000;
  task.progress(50 * 2 ** 20, 100 * 2 ** 20, "bytes", "staging");
  expect(registry.get(task.id)).toMatchObject({ bytesPerSecond: 50 * 2 ** 20, etaSeconds: 1 });
  task.progress(0, -1, "bytes", "importing");
  const importing = registry.get(task.id)!;
  expect(importing.phase).toBe("importing");
  expect(importing.bytesPerSecond).toBeUndefined();
  expect(importing.etaSeconds).toBeUndefined();
  registry.close();
  journal.close();
});
