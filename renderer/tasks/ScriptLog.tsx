/**
 * A script task's log as it streams in: newest line at the bottom, following the end unless the
 * reader scrolled up to look at something, then the script's result once it has one.
 */
import { useLayoutEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { TaskView } from "../../shared/model.ts";
import { formatClock } from "../format.ts";
import { said } from "../i18n.ts";

type LogLine = NonNullable<TaskView["log"]>[number];

/** The level of the line that carries a finished script's result. */
export const RESULT_LEVEL = "result";

/** A long log keeps only its end on screen; the panel stays fast however much a script prints. */
const MAX_SHOWN = 500;

/** How close to the end (px) counts as "at the end", so the view keeps following new lines. */
const FOLLOW_SLACK = 24;

const knownLevels = new Set(["debug", "info", "warn", "error"]);

export function scriptResult(task: TaskView): string | undefined {
  return task.log?.findLast((line) => line.level === RESULT_LEVEL)?.text;
}

export function logLines(task: TaskView): LogLine[] {
  return (task.log ?? []).filter((line) => line.level !== RESULT_LEVEL);
}

export function ScriptLog({ task, id }: { task: TaskView; id: string }) {
  const lines = logLines(task);
  const result = scriptResult(task);
  const hidden = Math.max(0, lines.length - MAX_SHOWN);
  const shown = hidden > 0 ? lines.slice(hidden) : lines;
  const running = task.state === "queued" || task.state === "running";
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const { t } = useTranslation();
  const title = said(task.title, task.titlePhrase);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [lines.length]);

  return (
    <div className="script-log" id={id}>
      <div
        ref={scroller}
        className="log-scroll"
        role="log"
        aria-label={t("tasks.log", { title })}
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget;
          following.current = element.scrollHeight - element.scrollTop - element.clientHeight <= FOLLOW_SLACK;
        }}
      >
        <ol className="log-lines">
          {hidden > 0 && <li className="log-note">{t("tasks.earlierLines", { count: hidden })}</li>}
          {shown.map((line, index) => (
            <li
              key={hidden + index}
              className={`log-line log-${knownLevels.has(line.level) ? line.level : "other"}`}
            >
              <time dateTime={new Date(line.time).toISOString()}>{formatClock(line.time)}</time>
              <span className="log-level">{line.level}</span>
              <span className="log-text">{line.text}</span>
            </li>
          ))}
          {shown.length === 0 && (
            <li className="log-note">{running ? t("tasks.firstLine") : t("tasks.nothingLogged")}</li>
          )}
        </ol>
      </div>
      {result !== undefined && (
        <div className="script-result" role="status" aria-label={t("tasks.resultOf", { title })}>
          <span className="script-result-label">{t("tasks.result")}</span>
          <code>{result}</code>
        </div>
      )}
    </div>
  );
}
