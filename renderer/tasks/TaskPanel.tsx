/**
 * The task column: running tasks first, then failures that need a look, then the finished ones
 * collapsed into a history. One virtual list, so 1,000 live tasks cost only the rows on screen.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TaskView } from "../../shared/model.ts";
import { attempt } from "../components/actions.ts";
import { Icon } from "../components/Icon.tsx";
import { formatCount } from "../format.ts";
import { groupTasks, useTasks } from "../stores/tasks.ts";
import { TaskRow } from "./TaskRow.tsx";

type PanelRow =
  | { kind: "section"; key: string; title: "inProgress" | "needsAttention" | "finished"; count: number }
  | { kind: "history"; key: string; count: number; open: boolean }
  | { kind: "task"; key: string; task: TaskView; compact: boolean };

export function TaskPanel() {
  const byId = useTasks((s) => s.byId);
  const retried = useTasks((s) => s.retried);
  const openLogs = useTasks((s) => s.openLogs);
  const [historyOpen, setHistoryOpen] = useState(false);
  const { t } = useTranslation();
  const groups = useMemo(() => groupTasks(byId, retried, openLogs), [byId, retried, openLogs]);
  const rows = useMemo(() => {
    const out: PanelRow[] = [];
    if (groups.active.length > 0) {
      out.push({ kind: "section", key: "s-active", title: "inProgress", count: groups.active.length });
      for (const task of groups.active) out.push({ kind: "task", key: task.id, task, compact: false });
    }
    if (groups.attention.length > 0) {
      out.push({
        kind: "section",
        key: "s-attention",
        title: "needsAttention",
        count: groups.attention.length,
      });
      for (const task of groups.attention) out.push({ kind: "task", key: task.id, task, compact: false });
    }
    if (groups.open.length > 0) {
      out.push({ kind: "section", key: "s-open", title: "finished", count: groups.open.length });
      for (const task of groups.open) out.push({ kind: "task", key: task.id, task, compact: false });
    }
    if (groups.history.length > 0) {
      out.push({ kind: "history", key: "s-history", count: groups.history.length, open: historyOpen });
      if (historyOpen)
        for (const task of groups.history) out.push({ kind: "task", key: task.id, task, compact: true });
    }
    return out;
  }, [groups, historyOpen]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => {
      const row = rows[index];
      if (!row || row.kind !== "task") return 40;
      if (row.task.failedItems?.length) return 120 + Math.min(row.task.failedItems.length, 50) * 22;
      if (openLogs.has(row.task.id)) return 150 + Math.min(row.task.log?.length ?? 0, 10) * 20;
      return row.compact ? 64 : 78;
    },
    overscan: 6,
    getItemKey: (index) => rows[index]?.key ?? index,
  });

  const clear = () => attempt(() => useTasks.getState().clearFinished(), t("tasks.couldNotClear"));

  return (
    <aside className="tasks" aria-label={t("tasks.title")}>
      <header className="tasks-head">
        <h2>{t("tasks.title")}</h2>
        <span className="tasks-count">
          {groups.active.length > 0 ? t("tasks.running", { count: groups.active.length }) : ""}
        </span>
      </header>
      <div ref={scrollRef} className="tasks-scroll">
        {rows.length === 0 ? (
          <div className="tasks-empty">
            <Icon name="check" size={22} />
            <p>{t("tasks.nothing")}</p>
            <p className="muted">{t("tasks.nothingHint")}</p>
          </div>
        ) : (
          <div className="tasks-list" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <div
                  key={item.key}
                  ref={virtualizer.measureElement}
                  data-index={item.index}
                  className="tasks-item"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {row.kind === "task" ? (
                    <TaskRow task={row.task} compact={row.compact} />
                  ) : row.kind === "section" ? (
                    <h3 className="tasks-section">
                      {t(`tasks.${row.title}`)} <span>{formatCount(row.count)}</span>
                    </h3>
                  ) : (
                    <div className="tasks-history">
                      <button
                        type="button"
                        className="history-toggle"
                        aria-expanded={row.open}
                        onClick={() => setHistoryOpen(!row.open)}
                      >
                        <Icon name="chevron" size={14} className={row.open ? "rot-90" : undefined} />
                        {t("tasks.history", { count: row.count })}
                      </button>
                      <button type="button" className="link" onClick={() => void clear()}>
                        {t("common.clear")}
                      </button>
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </aside>
  );
}
