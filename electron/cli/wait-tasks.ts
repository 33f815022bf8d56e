/**
 * Waits for tasks to reach a final state, following the core's task feed. The feed is coalesced on a
 * timer that does not hold the process open, so a slow check of the registry runs beside it: it
 * keeps the command alive and catches a final state the feed has not delivered yet.
 */
import type { TaskView } from "../../shared/model.ts";
import type { LocalCore } from "../core/create-core.ts";
import { RESULT_LEVEL } from "../core/scripts/index.ts";
import type { Output } from "./output.ts";

export function waitForTasks(
  core: LocalCore,
  taskIds: string[],
  onUpdate: (tasks: TaskView[]) => void = () => {},
): Promise<TaskView[]> {
  const wanted = new Set(taskIds);
  const latest = new Map<string, TaskView>();
  return new Promise((resolve) => {
    const settle = () => {
      const tasks = taskIds.map((id) => latest.get(id)).filter((t): t is TaskView => !!t);
      onUpdate(tasks);
      // A task that vanished (cleared) is over too.
      if (taskIds.every((id) => !latest.has(id) || core.tasks.isFinal(latest.get(id)!.state))) {
        unsubscribe();
        clearInterval(check);
        resolve(tasks);
      }
    };
    // Subscribe before reading the current state, so no change falls in between.
    const unsubscribe = core.subscribe((event) => {
      if (event.name !== "tasks.changed") return;
      let relevant = false;
      for (const task of event.payload.tasks) {
        if (wanted.has(task.id)) {
          latest.set(task.id, task);
          relevant = true;
        }
      }
      for (const id of event.payload.removed) relevant = latest.delete(id) || relevant;
      if (relevant) settle();
    });
    const refresh = () => {
      for (const id of taskIds) {
        const task = core.tasks.get(id);
        if (task) latest.set(id, task);
        else latest.delete(id);
      }
      settle();
    };
    const check = setInterval(refresh, 250);
    refresh();
  });
}

/** "3/10 items", "12.0 MiB/20.0 MiB", "45%" for a task's progress. */
export function progressText(task: TaskView, formatBytes: (n: number) => string): string {
  const p = task.progress;
  if (!p) return task.phase ?? task.state;
  if (p.unit === "bytes") return `${formatBytes(p.current)}/${formatBytes(p.total)}`;
  if (p.unit === "percent") return `${Math.round(p.current)}%`;
  return `${p.current}/${p.total} items`;
}

/** Script runs that a sync pass started: followed to their end, each with one line. */
export async function waitForPairScripts(core: LocalCore, output: Output): Promise<number> {
  const running = core.tasks
    .snapshot()
    .tasks.filter(
      (task) => task.kind === "script" && task.pairId !== undefined && !core.tasks.isFinal(task.state),
    );
  if (running.length === 0) return 0;
  const finished = await waitForTasks(
    core,
    running.map((task) => task.id),
  );
  let failed = 0;
  for (const task of finished) {
    const result = task.log?.findLast((line) => line.level === RESULT_LEVEL)?.text;
    if (task.state === "succeeded") output.out(`${task.title}: ${result ?? "done"}`);
    else {
      failed++;
      output.err(`${task.title}: ${task.error ?? task.state}`);
    }
  }
  return failed;
}
