import { create } from "zustand";
import { isFinalState, type TaskView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";

export const isFinal = (task: TaskView) => isFinalState(task.state);
/** Finished tasks that still need the user's eyes. */
export const needsAttention = (task: TaskView) => task.state === "failed" || task.state === "partial";

interface TasksState {
  byId: ReadonlyMap<string, TaskView>;
  /** Bumped on every change, for memoised views. */
  version: number;
  /** Partly failed tasks whose failures were retried: they go to the history. */
  retried: ReadonlySet<string>;
  /** Tasks whose log is shown; a finished one stays in view (with its result) until its log is closed. */
  openLogs: ReadonlySet<string>;
  setAll(tasks: TaskView[]): void;
  apply(tasks: TaskView[], removed: string[]): void;
  cancel(taskId: string): Promise<void>;
  retryFailed(taskId: string): Promise<string>;
  clearFinished(): Promise<void>;
  setLogOpen(taskId: string, open: boolean): void;
}

export const useTasks = create<TasksState>()((set) => ({
  byId: new Map(),
  version: 0,
  retried: new Set(),
  openLogs: new Set(),
  setAll: (tasks) =>
    set((state) => ({ byId: new Map(tasks.map((t) => [t.id, t])), version: state.version + 1 })),
  apply: (tasks, removed) =>
    set((state) => {
      const next = new Map(state.byId);
      for (const task of tasks) {
        const known = next.get(task.id);
        // A late update never takes a task back from a final state.
        if (known && isFinal(known) && !isFinal(task)) continue;
        next.set(task.id, task);
      }
      for (const id of removed) next.delete(id);
      return { byId: next, version: state.version + 1 };
    }),
  cancel: async (taskId) => void (await call("tasks.cancel", { taskId })),
  async retryFailed(taskId) {
    const { taskId: retry } = await call("moves.retryFailed", { taskId });
    set((state) => ({ retried: new Set(state.retried).add(taskId), version: state.version + 1 }));
    return retry;
  },
  clearFinished: async () => {
    await call("tasks.clearFinished", {});
    set((state) => {
      const next = new Map([...state.byId].filter(([, task]) => !isFinal(task) || needsAttention(task)));
      return { byId: next, version: state.version + 1 };
    });
  },
  setLogOpen: (taskId, open) =>
    set((state) => {
      if (state.openLogs.has(taskId) === open) return {};
      const next = new Set(state.openLogs);
      if (open) next.add(taskId);
      else next.delete(taskId);
      return { openLogs: next, version: state.version + 1 };
    }),
}));

export interface TaskGroups {
  active: TaskView[];
  attention: TaskView[];
  /** Finished tasks whose log is still open: a script's result stays in view. */
  open: TaskView[];
  history: TaskView[];
}

export function groupTasks(
  byId: ReadonlyMap<string, TaskView>,
  retried: ReadonlySet<string> = new Set(),
  openLogs: ReadonlySet<string> = new Set(),
): TaskGroups {
  const active: TaskView[] = [];
  const attention: TaskView[] = [];
  const open: TaskView[] = [];
  const history: TaskView[] = [];
  for (const task of byId.values()) {
    if (!isFinal(task)) active.push(task);
    else if (needsAttention(task) && !retried.has(task.id)) attention.push(task);
    else if (openLogs.has(task.id)) open.push(task);
    else history.push(task);
  }
  active.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  attention.sort((a, b) => b.updatedAt - a.updatedAt);
  open.sort((a, b) => b.updatedAt - a.updatedAt);
  history.sort((a, b) => b.updatedAt - a.updatedAt);
  return { active, attention, open, history };
}
