/**
 * Script runs: each one executes its script a statement at a time in the background, on the server's
 * timers (a `Time.sleep` really waits), writing its log to the store as it goes.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import {
  DEFAULT_LIMITS,
  RunBudget,
  ScriptError,
  evaluate,
  parseLine,
  resultText,
  scriptLines,
  sleepMs,
  type Expr,
  type ScriptLimits,
  type Sheet,
  type Value,
} from "./interpreter.ts";
import { ScriptStore, type LogLine } from "./store.ts";

export interface ScriptServiceOptions {
  /** Where `scripts.sqlite` lives. */
  dataDir: string;
  /** The user token the endpoints accept; default: a demo token kept in the data folder. */
  accessToken?: string;
  /** The server clock (ms), for the log's times. */
  now: () => number;
  /** "file", "folder", or undefined for an id that names nothing. */
  documentKind: (fileId: string) => "file" | "folder" | undefined;
  /** What one run may use (default DEFAULT_LIMITS). */
  limits?: Partial<ScriptLimits>;
}

/** The status answer [doc]: `error`, `status` and `data` at the top level. */
export interface StatusAnswer {
  error: string;
  status: "running" | "finish";
  data: { logs: LogLine[]; result: string };
}

const STARTED = "已开始执行";
const FINISHED = "执行完毕";

/** "17:29:58.114" in the server's time zone, as the vendor's `timestamp` shows it. */
function clockText(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/**
 * Task ids look like the vendor's example: "ID" and URL-encoded base64, so they carry "%2F" and
 * "%3D%3D" themselves. Only a client that passes the id through encodeURIComponent once more
 * ("%252F") gets it back intact from the query string.
 */
function newTaskId(): string {
  return `ID${encodeURIComponent(randomBytes(49).toString("base64"))}`;
}

export class ScriptService {
  readonly accessToken: string;
  readonly #store: ScriptStore;
  readonly #options: ScriptServiceOptions;
  readonly #stopper = new AbortController();
  readonly #running = new Set<Promise<void>>();

  constructor(options: ScriptServiceOptions) {
    this.#options = options;
    this.#store = new ScriptStore(join(options.dataDir, "scripts.sqlite"));
    this.accessToken = options.accessToken ?? this.#store.demoAccessToken();
    // A run cannot continue across a restart: its place in the script was in memory.
    for (const task of this.#store.runningTasks()) {
      this.#log(task.id, "system", "error", ["the server stopped while the script ran"]);
      this.#store.finish(task.id, { error: "the server stopped while the script ran" });
    }
  }

  /** Starts a run in the background and returns its task id. */
  start(fileId: string, script: string, name: string): string {
    const id = newTaskId();
    this.#store.createTask(id, fileId, name, Math.floor(this.#options.now() / 1000));
    this.#log(id, "system", "info", [STARTED]);
    const run = this.#execute(id, fileId, script, name).finally(() => this.#running.delete(run));
    this.#running.add(run);
    return id;
  }

  /** The answer to one status poll: only the log lines not answered before. */
  status(taskId: string): StatusAnswer | undefined {
    const taken = this.#store.takeNewLines(taskId);
    if (!taken) return undefined;
    const { task, logs } = taken;
    return { error: task.error, status: task.status, data: { logs, result: task.result } };
  }

  documentKind(fileId: string): "file" | "folder" | undefined {
    return this.#options.documentKind(fileId);
  }

  /** A cell of a document's sheet (for tests and the curious). */
  cell(fileId: string, cell: string): Value | undefined {
    return this.#store.cell(fileId, cell);
  }

  async close(): Promise<void> {
    this.#stopper.abort();
    await Promise.allSettled([...this.#running]);
    this.#store.close();
  }

  #log(taskId: string, filename: string, level: string, args: Value[]): void {
    const now = this.#options.now();
    this.#store.appendLog(taskId, {
      args,
      filename,
      level,
      unix_time: Math.floor(now / 1000),
      timestamp: clockText(now),
    });
  }

  async #execute(taskId: string, fileId: string, script: string, name: string): Promise<void> {
    const store = this.#store;
    const sheet: Sheet = {
      get: (cell) => store.cell(fileId, cell),
      set: (cell, value) => store.setCell(fileId, cell, value),
    };
    const signal = this.#stopper.signal;
    const budget = new RunBudget({ ...DEFAULT_LIMITS, ...this.#options.limits });
    const value = (expr: Expr, line: number) => evaluate(expr, sheet, line, budget.limits);
    let last: Value | undefined;
    try {
      const lines = scriptLines(script);
      for (let index = 0; index < lines.length; index++) {
        const line = index + 1;
        for (const { statement, column } of parseLine(lines[index]!, line)) {
          // One statement at a time, so the server (and the app around it) answers between them.
          await nextTurn();
          if (signal.aborted) return;
          budget.statement(line);
          const where = `${name}.ks:${line}:${column}`;
          switch (statement.kind) {
            case "log": {
              const args = statement.args.map((arg) => value(arg, line));
              budget.log(args, line);
              this.#log(taskId, where, statement.level, args);
              last = undefined;
              break;
            }
            case "sleep": {
              const ms = sleepMs(statement, sheet, line);
              budget.sleep(ms, line);
              await sleep(ms, undefined, { signal });
              last = undefined;
              break;
            }
            case "assign":
              last = value(statement.value, line);
              sheet.set(statement.cell, last);
              break;
            case "expression":
              last = value(statement.value, line);
              break;
          }
        }
      }
      this.#log(taskId, "system", "info", [FINISHED]);
      store.finish(taskId, { result: resultText(last) });
    } catch (error) {
      // Stopping the server leaves the task running in the store; the next start ends it.
      if (signal.aborted) return;
      const message = error instanceof ScriptError ? error.message : `internal error: ${String(error)}`;
      const where = error instanceof ScriptError ? `${name}.ks:${error.line}:1` : "system";
      this.#log(taskId, where, "error", [message]);
      store.finish(taskId, { error: message });
    }
  }
}
