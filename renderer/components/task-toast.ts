/**
 * A toast about background work ("Uploading 2 items to …") that lasts as long as the work: it stays
 * while the tasks run and then says how they ended ("Uploaded …", or what did not work).
 */
import { isFinalState, type TaskView } from "../../shared/model.ts";
import { describeError } from "../bridge/client.ts";
import { useTasks } from "../stores/tasks.ts";
import { useUi, type Toast } from "../stores/ui.ts";

export interface Outcome {
  tone: Exclude<Toast["tone"], "busy">;
  text: string;
}

/**
 * Calls `ended` once every task is final. A task cleared away after it was seen counts as ended; one
 * not seen yet is waited for (the call that started it may answer before its first update).
 * Returns a function that stops waiting.
 */
export function whenTasksEnd(taskIds: string[], ended: (tasks: TaskView[]) => void): () => void {
  const seen = new Map<string, TaskView>();
  const check = (): boolean => {
    const { byId } = useTasks.getState();
    for (const id of taskIds) {
      const task = byId.get(id);
      if (task) seen.set(id, task);
      else if (!seen.has(id)) return false;
    }
    const tasks = taskIds.map((id) => seen.get(id)!);
    if (!tasks.every((task) => isFinalState(task.state))) return false;
    ended(tasks);
    return true;
  };
  if (check()) return () => {};
  const unsubscribe = useTasks.subscribe(() => {
    if (check()) unsubscribe();
  });
  return unsubscribe;
}

/** A busy toast for `start`'s tasks, changed to `outcome` when they end (or to the failure to start). */
export async function toastWhileRunning(
  text: string,
  start: () => Promise<string[]>,
  outcome: (tasks: TaskView[]) => Outcome,
  failedToStart: (error: string) => string,
): Promise<void> {
  const { toast, retoast, dismiss } = useUi.getState();
  const id = toast("busy", text);
  let taskIds: string[];
  try {
    taskIds = await start();
  } catch (error) {
    retoast(id, "error", failedToStart(describeError(error)));
    return;
  }
  if (taskIds.length === 0) {
    dismiss(id);
    return;
  }
  whenTasksEnd(taskIds, (tasks) => {
    const said = outcome(tasks);
    retoast(id, said.tone, said.text);
  });
}
