import { localized, type I18n } from "../../shared/i18n/index.ts";
import { formatBytes as bytesIn } from "../../shared/i18n/format.ts";
import type { TaskView } from "../../shared/model.ts";

/** Where the command line writes: lines to stdout and stderr, and one updating progress line on a terminal. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Raw text to stdout (the progress line on a terminal). */
  write(text: string): void;
  readonly isTTY: boolean;
  readonly columns: number;
}

export function processOutput(): Output {
  return {
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
    write: (text) => process.stdout.write(text),
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns || 100,
  };
}

export interface ProgressLine {
  update(text: string): void;
  /** Ends the progress display; the next output starts on a clean line. */
  done(): void;
}

/**
 * On a terminal, one line rewritten in place. Otherwise (a pipe, a log file), plain lines, only when
 * the text changed and at most once a second, so logs stay readable.
 */
export function progressLine(output: Output, now: () => number = Date.now): ProgressLine {
  let shown = "";
  let lastPrinted = 0;
  let pending: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const printPending = () => {
    timer = undefined;
    if (pending === undefined) return;
    output.out(pending);
    shown = pending;
    lastPrinted = now();
    pending = undefined;
  };
  return {
    update(text) {
      if (output.isTTY) {
        if (text === shown) return;
        shown = text;
        output.write(`\r\x1b[2K${text.slice(0, Math.max(10, output.columns - 1))}`);
        return;
      }
      if (text === shown) {
        pending = undefined;
        return;
      }
      pending = text;
      const wait = lastPrinted + 1000 - now();
      if (wait <= 0) printPending();
      // The latest state still shows after a quiet second, without holding the process open.
      else timer ??= setTimeout(printPending, wait).unref();
    },
    done() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (output.isTTY) {
        if (shown) output.write("\r\x1b[2K");
      } else if (pending !== undefined) output.out(pending);
      shown = "";
      pending = undefined;
    },
  };
}

/** "1.5 KiB", "70 MiB": short, like `ls -h`, with the language's digits and separators. */
export function formatBytes(bytes: number, language: string): string {
  return bytesIn(bytes, language, { short: true });
}

/** "3/10 items", "12.0 MiB/20.0 MiB", "45%" for a task's progress. */
export function progressText(i18n: I18n, task: TaskView): string {
  const p = task.progress;
  if (!p) {
    return task.phase ? localized(i18n, task.phase, task.phasePhrase) : i18n.t(`cli.taskState.${task.state}`);
  }
  const bytes = (n: number) => formatBytes(n, i18n.language);
  if (p.unit === "bytes") return `${bytes(p.current)}/${bytes(p.total)}`;
  if (p.unit === "percent") return `${Math.round(p.current)}%`;
  return i18n.t("cli.progressItems", { current: p.current, total: p.total });
}
