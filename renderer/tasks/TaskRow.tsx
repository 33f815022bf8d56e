/** One task: its title, a progress bar named after it, speed and time left, and what went wrong. */
import { memo, useId } from "react";
import { useTranslation } from "react-i18next";
import type { TaskView } from "../../shared/model.ts";
import { useAction } from "../components/actions.ts";
import { Icon, type IconName } from "../components/Icon.tsx";
import { formatBytes, formatDuration, formatRate } from "../format.ts";
import { i18n, said } from "../i18n.ts";
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
    return p.total > 0
      ? i18n.t("tasks.ofBytes", { current: formatBytes(p.current), total: formatBytes(p.total) })
      : formatBytes(p.current);
  if (p.unit === "items") return i18n.t("tasks.ofItems", { current: p.current, count: p.total });
  return undefined;
}

/** "Staging" for the phase "staging": the first letter up, where the language has cases. */
function phaseWords(task: TaskView): string | undefined {
  if (!task.phase) return undefined;
  const phase = said(task.phase, task.phasePhrase);
  return phase.charAt(0).toLocaleUpperCase(i18n.language) + phase.slice(1);
}

export function describeTask(task: TaskView): string {
  const parts: string[] = [];
  switch (task.state) {
    case "queued":
      return i18n.t("tasks.waiting");
    case "running": {
      const phase = phaseWords(task);
      if (phase) parts.push(phase);
      const done = amount(task);
      if (done) parts.push(done);
      if (task.bytesPerSecond !== undefined && task.bytesPerSecond > 0)
        parts.push(formatRate(task.bytesPerSecond));
      if (task.etaSeconds !== undefined && task.etaSeconds >= 0)
        parts.push(i18n.t("tasks.left", { time: formatDuration(task.etaSeconds) }));
      return parts.join(" · ") || i18n.t("tasks.working");
    }
    case "succeeded": {
      if (task.kind === "script") return i18n.t("tasks.finishedScript");
      const p = task.progress;
      if (p?.unit === "bytes" && p.total > 0)
        return i18n.t("tasks.doneWith", { amount: formatBytes(p.total) });
      if (p?.unit === "items" && p.total > 0)
        return i18n.t("tasks.doneWith", { amount: i18n.t("common.items", { count: p.total }) });
      return i18n.t("tasks.done");
    }
    case "partial":
      return task.error
        ? said(task.error, task.errorPhrase)
        : i18n.t("tasks.couldNotBeDone", { count: task.failedItems?.length ?? 0 });
    case "failed":
      return i18n.t("tasks.failed");
    case "cancelled":
      return i18n.t("tasks.cancelled");
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
  const { t } = useTranslation();
  const linked = useTasks((s) => (task.linkedTaskId ? s.byId.get(task.linkedTaskId) : undefined));
  const linkedTitle = linked ? said(linked.title, linked.titlePhrase) : undefined;
  const title = said(task.title, task.titlePhrase);
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
        <span className="task-title" title={title}>
          {title}
        </span>
        {!final && task.cancellable && (
          <button
            type="button"
            className="icon-button"
            aria-label={t("tasks.cancel", { title })}
            disabled={busy}
            onClick={() => void run(() => useTasks.getState().cancel(task.id), t("tasks.couldNotCancel"))}
          >
            <Icon name="close" size={14} />
          </button>
        )}
      </div>
      {linkedTitle && <div className="task-link">{t("tasks.after", { title: linkedTitle })}</div>}
      <div
        className={percent === undefined && !final ? "bar is-indeterminate" : "bar"}
        role="progressbar"
        aria-label={title}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={percent === undefined ? text : t("tasks.percent", { percent, text })}
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
            {logOpen ? t("tasks.hideLog") : t("tasks.showLog", { count: lineCount })}
          </button>
        )}
      </div>
      {hasLog && logOpen && <ScriptLog task={task} id={logId} />}
      {task.kind === "download" && <SavedFile task={task} />}
      {task.error && task.state !== "partial" && (
        <p className="task-error">{said(task.error, task.errorPhrase)}</p>
      )}
      {task.state === "partial" && task.failedItems && task.failedItems.length > 0 && (
        <div className="task-failures">
          <ul aria-label={t("tasks.failedIn", { title })}>
            {task.failedItems.slice(0, 50).map((item) => (
              <li key={item.id}>
                <strong>{itemName(item)}</strong> — {said(item.reason, item.reasonPhrase)}
              </li>
            ))}
            {task.failedItems.length > 50 && (
              <li>{t("tasks.andMore", { count: task.failedItems.length - 50 })}</li>
            )}
          </ul>
          {task.kind === "move" && (
            <button
              type="button"
              className="button small"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await useTasks.getState().retryFailed(task.id);
                  toast("info", t("tasks.retrying", { count: task.failedItems?.length ?? 0 }));
                }, t("tasks.couldNotRetry"))
              }
            >
              <Icon name="retry" size={14} /> {t("tasks.retryFailed")}
            </button>
          )}
        </div>
      )}
    </div>
  );
});
