import { describe, expect, it } from "vitest";
import { CloudError } from "../cloud/errors.ts";
import { describeItemFailure } from "../cloud/kdocs/adapter.ts";
import type { CloudProvider, RemoteEntry, ServerTaskStatus } from "../cloud/provider.ts";
import { openJournal } from "../journal/index.ts";
import { createJobRunner, createTaskRegistry, type TaskPoller } from "../tasks/index.ts";
import { createMoves } from "./moves.ts";
import { planMoveChunks } from "./plan.ts";

const entry = (id: string, parentId: string, kind: "file" | "folder" = "file"): RemoteEntry => ({
  id,
  name: `${id}.txt`,
  kind,
  parentId,
  size: 1,
  version: 1,
  mtime: 0,
});

describe("planMoveChunks", () => {
  it("groups by source folder, cuts chunks at the batch limit and skips what needs no move", () => {
    const entries = [
      ...Array.from({ length: 5 }, (_, i) => entry(`a${i}`, "A")),
      entry("b0", "B"),
      entry("t0", "T"),
      entry("T", "root", "folder"),
    ];
    const plan = planMoveChunks(entries, "T", 2);
    expect(plan.chunks).toEqual([
      { sourceFolderId: "A", ids: ["a0", "a1"] },
      { sourceFolderId: "A", ids: ["a2", "a3"] },
      { sourceFolderId: "A", ids: ["a4"] },
      { sourceFolderId: "B", ids: ["b0"] },
    ]);
    expect(plan.alreadyThere).toEqual(["t0"]);
    expect(plan.intoItself).toEqual(["T"]);
  });
});

describe("batch move task", () => {
  function setup() {
    const tree = new Map<string, RemoteEntry>();
    for (let i = 0; i < 5; i++) tree.set(`a${i}`, entry(`a${i}`, "A"));
    tree.set("b0", entry("b0", "B"));
    tree.set("T", entry("T", "0", "folder"));
    const calls: string[][] = [];
    const taken = new Set(["a3"]);
    const provider = {
      rootId: "0",
      maxMoveBatch: 2,
      describeItemFailure,
      async stat(id: string) {
        const found = tree.get(id);
        if (!found) throw new CloudError("not-found", "no such file", { code: 40004 });
        return found;
      },
      async startMove(ids: string[], target: string) {
        calls.push(ids);
        if (ids.length === 1) {
          for (const id of ids) tree.set(id, { ...tree.get(id)!, parentId: target });
          return { done: true };
        }
        return { done: false, task: { kind: "move", id: ids.join(",") } };
      },
    } as unknown as CloudProvider;
    const wait: TaskPoller["wait"] = async (_account, ref, options) => {
      const ids = ref.id.split(",");
      options?.onProgress?.(ids.length, ids.length);
      const failed = ids
        .filter((id) => taken.has(id))
        .map((id) => ({ id, code: 40009, message: "name taken" }));
      for (const id of ids) if (!taken.has(id)) tree.set(id, { ...tree.get(id)!, parentId: "T" });
      const status: ServerTaskStatus = {
        state: failed.length ? "partial" : "succeeded",
        current: ids.length,
        total: ids.length,
        failed,
      };
      return status;
    };
    const registry = createTaskRegistry({ journal: openJournal(":memory:") });
    const poller: TaskPoller = { wait, pending: () => [], stats: () => ({}) as never, stop: () => {} };
    const runner = createJobRunner({ registry, poller });
    const changed: string[][] = [];
    const remembered = new Map<string, { accountId: string; targetFolderId: string }>();
    const moves = createMoves({
      runner,
      providerFor: () => provider,
      onFoldersChanged: (_account, folders) => changed.push(folders.sort()),
      remember: (id, spec) => remembered.set(id, spec),
      recall: (id) => remembered.get(id),
    });
    return { tree, calls, taken, registry, runner, changed, moves };
  }

  it("ends partial with each failed item's reason, then a retry moves just those", async () => {
    const { tree, calls, taken, registry, runner, changed, moves } = setup();
    tree.delete("a4");
    const { taskId } = await moves.start({
      accountId: "acc",
      entryIds: ["a0", "a1", "a2", "a3", "a4", "b0"],
      targetFolderId: "T",
    });
    await runner.idle();
    const task = registry.get(taskId)!;
    expect(task.title).toBe('Move 6 items to "T.txt"');
    expect(task.state).toBe("partial");
    expect(task.progress).toEqual({ current: 6, total: 6, unit: "items" });
    expect(task.failedItems).toEqual([
      { id: "a4", name: "a4", reason: "it no longer exists" },
      { id: "a3", name: "a3.txt", reason: "its name is taken in the target folder" },
    ]);
    expect(calls).toEqual([["a0", "a1"], ["a2", "a3"], ["b0"]]);
    expect(changed).toEqual([["A", "B", "T"]]);

    taken.clear();
    tree.set("a4", entry("a4", "A"));
    const retry = await moves.retryFailed(taskId);
    await runner.idle();
    expect(registry.get(retry.taskId)).toMatchObject({
      state: "succeeded",
      title: 'Move 2 items to "T.txt"',
    });
    expect(
      [...tree.values()]
        .filter((e) => e.parentId === "T")
        .map((e) => e.id)
        .sort(),
    ).toEqual(["a0", "a1", "a2", "a3", "a4", "b0"]);
    await expect(moves.retryFailed(retry.taskId)).rejects.toMatchObject({ ipc: { code: "invalid-input" } });
  });

  it("refuses a target that is not a folder before starting anything", async () => {
    const { moves, calls } = setup();
    await expect(
      moves.start({ accountId: "acc", entryIds: ["a0"], targetFolderId: "b0" }),
    ).rejects.toMatchObject({
      ipc: { code: "invalid-input" },
    });
    await expect(
      moves.start({ accountId: "acc", entryIds: ["a0"], targetFolderId: "gone" }),
    ).rejects.toBeInstanceOf(CloudError);
    expect(calls).toEqual([]);
  });
});
