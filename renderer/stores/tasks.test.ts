import { beforeEach, expect, test } from "vitest";
import type { TaskView } from "../../shared/model.ts";
import { groupTasks, useTasks } from "./tasks.ts";

const task = (id: string, state: TaskView["state"], updatedAt = 1): TaskView => ({
  id,
  kind: "script",
  title: id,
  state,
  cancellable: true,
  createdAt: 0,
  updatedAt,
});
const ids = (list: TaskView[]) => list.map((t) => t.id);

beforeEach(() => useTasks.setState({ byId: new Map(), openLogs: new Set(), retried: new Set() }));

test("a finished script whose log is open stays in view until its log is closed", () => {
  useTasks
    .getState()
    .apply([task("running", "running"), task("done", "succeeded", 2), task("old", "succeeded", 1)], []);
  useTasks.getState().setLogOpen("done", true);
  const { byId, retried, openLogs } = useTasks.getState();
  expect(groupTasks(byId, retried, openLogs)).toMatchObject({
    active: [{ id: "running" }],
    open: [{ id: "done" }],
    history: [{ id: "old" }],
  });

  useTasks.getState().setLogOpen("done", false);
  const after = useTasks.getState();
  const groups = groupTasks(after.byId, after.retried, after.openLogs);
  expect(ids(groups.open)).toEqual([]);
  expect(ids(groups.history)).toEqual(["done", "old"]);
});

test("a failed script needs attention whether or not its log is open", () => {
  useTasks.getState().apply([task("broken", "failed")], []);
  useTasks.getState().setLogOpen("broken", true);
  const { byId, retried, openLogs } = useTasks.getState();
  const groups = groupTasks(byId, retried, openLogs);
  expect(ids(groups.attention)).toEqual(["broken"]);
  expect(ids(groups.open)).toEqual([]);
});
