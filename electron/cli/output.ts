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

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "3/10 items", "12.0 MiB/20.0 MiB", "45%" for a task's progress. */
export function progressText(task: TaskView): string {
  const p = task.progress;
  if (!p) return task.phase ?? task.state;
  if (p.unit === "bytes") return `${formatBytes(p.current)}/${formatBytes(p.total)}`;
  if (p.unit === "percent") return `${Math.round(p.current)}%`;
  return `${p.current}/${p.total} items`;
}
