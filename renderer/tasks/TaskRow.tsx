/** One task: its title, a progress bar named after it, speed and time left, and what went wrong. */
import { memo, useId } from "react";
import type { TaskView } from "../../shared/model.ts";
import { useAction } from "../components/actions.ts";
import { Icon, type IconName } from "../components/Icon.tsx";
import { formatBytes, formatDuration, formatRate, plural } from "../format.ts";
import { useTasks } from "../stores/tasks.ts";
import { loadedName, useTree } from "../stores/tree.ts";
import { useUi } from "../stores/ui.ts";
import { SavedFile } from "./SavedFile.tsx";
import { logLines, ScriptLog } from "./ScriptLog.tsx";

const kindIcon: Record<TaskView["kind"], IconName> = {
  upload: "upload",
  import: "cloud",
  move: "move",
  script: "script",
  download: "download",
  sync: "sync",
};

export function percentOf(task: TaskView): number | undefined {
  if (task.state === "succeeded") return 100;
  const progress = task.progress;
  if (!progress || progress.total <= 0) return undefined;
  const ratio = progress.unit === "percent" ? progress.current / 100 : progress.current / progress.total;
  return Math.max(0, Math.min(100, Math.floor(ratio * 100)));
}

function amount(task: TaskView): string | undefined {
  const p = task.progress;
  if (!p) return undefined;
  if (p.unit === "bytes")
    return p.total > 0 ? `${formatBytes(p.current)} of ${formatBytes(p.total)}` : formatBytes(p.current);
  if (p.unit === "items") return `${p.current.toLocaleString()} of ${plural(p.total, "item")}`;
  return undefined;
}

export function describeTask(task: TaskView): string {
  const parts: string[] = [];
  switch (task.state) {
    case "queued":
      return "Waiting to start";
    case "running": {
      if (task.phase) parts.push(task.phase[0]!.toUpperCase() + task.phase.slice(1));
      const done = amount(task);
      if (done) parts.push(done);
      if (task.bytesPerSecond !== undefined && task.bytesPerSecond > 0)
        parts.push(formatRate(task.bytesPerSecond));
      if (task.etaSeconds !== undefined && task.etaSeconds >= 0)
        parts.push(`${formatDuration(task.etaSeconds)} left`);
      return parts.join(" · ") || "Working…";
    }
    case "succeeded": {
      if (task.kind === "script") return "Finished";
      const p = task.progress;
      if (p?.unit === "bytes" && p.total > 0) return `Done · ${formatBytes(p.total)}`;
      if (p?.unit === "items" && p.total > 0) return `Done · ${plural(p.total, "item")}`;
      return "Done";
    }
    case "partial":
      return task.error ?? `${plural(task.failedItems?.length ?? 0, "item")} could not be done`;
    case "failed":
      return "Failed";
    case "cancelled":
      return "Cancelled";
  }
}

/** A failed item the core could not name (it vanished or could not be read) is named from the tree when known. */
function itemName(item: { id: string; name: string }): string {
  if (item.name !== item.id) return item.name;
  return loadedName(useTree.getState().folders, item.id) ?? item.name;
}

export const TaskRow = memo(function TaskRow({ task, compact }: { task: TaskView; compact?: boolean }) {
  const percent = percentOf(task);
  const { busy, run } = useAction();
  const logOpen = useTasks((s) => s.openLogs.has(task.id));
  const logId = useId();
  const lineCount = task.kind === "script" ? logLines(task).length : 0;
  // A script that never got to run (its start was refused) has no log to show.
  const hasLog =
    task.kind === "script" && (lineCount > 0 || (task.state !== "failed" && task.state !== "cancelled"));
  const toast = useUi((s) => s.toast);
  const linkedTitle = useTasks((s) => (task.linkedTaskId ? s.byId.get(task.linkedTaskId)?.title : undefined));
  const text = describeTask(task);
  const final = task.state !== "queued" && task.state !== "running";
  return (
    <div className={`task task-${task.state}${compact ? " task-compact" : ""}`} data-task-id={task.id}>
      <div className="task-head">
        <span className="task-kind">
          <Icon
            name={
              task.state === "succeeded"
                ? "check"
                : task.state === "failed" || task.state === "partial"
                  ? "alert"
                  : kindIcon[task.kind]
            }
            size={16}
          />
        </span>
        <span className="task-title" title={task.title}>
          {task.title}
        </span>
        {!final && task.cancellable && (
          <button
            type="button"
            className="icon-button"
            aria-label={`Cancel ${task.title}`}
            disabled={busy}
            onClick={() => void run(() => useTasks.getState().cancel(task.id), "Could not cancel")}
          >
            <Icon name="close" size={14} />
          </button>
        )}
      </div>
      {linkedTitle && <div className="task-link">After: {linkedTitle}</div>}
      <div
        className={percent === undefined && !final ? "bar is-indeterminate" : "bar"}
        role="progressbar"
        aria-label={task.title}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={percent === undefined ? text : `${percent}% · ${text}`}
      >
        <div className="bar-fill" style={{ width: `${percent ?? (final ? 100 : 0)}%` }} />
      </div>
      <div className="task-meta">
        <span>{text}</span>
        {percent !== undefined && !final && <span className="task-percent">{percent}%</span>}
        {hasLog && (
          <button
            type="button"
            className="link log-toggle"
            aria-expanded={logOpen}
            aria-controls={logOpen ? logId : undefined}
            onClick={() => useTasks.getState().setLogOpen(task.id, !logOpen)}
          >
            {logOpen ? "Hide log" : `Show log · ${plural(lineCount, "line")}`}
          </button>
        )}
      </div>
      {hasLog && logOpen && <ScriptLog task={task} id={logId} />}
      {task.kind === "download" && <SavedFile task={task} />}
      {task.error && task.state !== "partial" && <p className="task-error">{task.error}</p>}
      {task.state === "partial" && task.failedItems && task.failedItems.length > 0 && (
        <div className="task-failures">
          <ul aria-label={`Items that failed in ${task.title}`}>
            {task.failedItems.slice(0, 50).map((item) => (
              <li key={item.id}>
                <strong>{itemName(item)}</strong> — {item.reason}
              </li>
            ))}
            {task.failedItems.length > 50 && <li>and {task.failedItems.length - 50} more</li>}
          </ul>
          {task.kind === "move" && (
            <button
              type="button"
              className="button small"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await useTasks.getState().retryFailed(task.id);
                  toast("info", `Retrying ${plural(task.failedItems?.length ?? 0, "item")}`);
                }, "Could not retry")
              }
            >
              <Icon name="retry" size={14} /> Retry failed
            </button>
          )}
        </div>
      )}
    </div>
  );
});
