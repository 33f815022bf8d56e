/** Where a finished download saved its file: the core ends such a task with the phase "Saved to PATH". */
import type { TaskView } from "../../shared/model.ts";

export function savedPathOf(task: TaskView): string | undefined {
  if (task.kind !== "download" || (task.state !== "succeeded" && task.state !== "partial")) return undefined;
  const phrase = task.phasePhrase;
  const path = phrase?.key === "phases.saved" ? phrase.params?.path : undefined;
  return typeof path === "string" ? path : undefined;
}

/** The last part of a path, whichever separator the system uses. */
export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
