/**
 * What the script endpoints keep in `scripts.sqlite`: the demo access token, every script task with
 * its log (each line marked once it has been handed out), and the sheet cells of each document.
 */
import { randomInt } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import type { Value } from "./interpreter.ts";

const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS script_tasks (
  id TEXT PRIMARY KEY,
  file_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finish')),
  error TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT '',
  created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS script_logs (
  task_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  line TEXT NOT NULL,
  delivered INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (task_id, seq)
);
CREATE TABLE IF NOT EXISTS sheet_cells (
  file_id TEXT NOT NULL,
  cell TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (file_id, cell)
);
`;

/** One log line as the status endpoint answers it [doc]. */
export interface LogLine {
  args: Value[];
  filename: string;
  level: string;
  unix_time: number;
  timestamp: string;
}

export interface TaskRow {
  id: string;
  file_id: string;
  name: string;
  status: "running" | "finish";
  error: string;
  result: string;
}

/** A user token shaped like the vendor's example: 32 lowercase letters. */
function newAccessToken(): string {
  let token = "";
  for (let i = 0; i < 32; i++) token += String.fromCharCode(97 + randomInt(26));
  return token;
}

export class ScriptStore {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec(SCHEMA);
  }

  /** The demo token of this data folder, created on first use. */
  demoAccessToken(): string {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'access_token'").get() as
      { value: string } | undefined;
    if (row) return row.value;
    const token = newAccessToken();
    this.#db.prepare("INSERT INTO meta (key, value) VALUES ('access_token', ?)").run(token);
    return token;
  }

  createTask(id: string, fileId: string, name: string, created: number): void {
    this.#db
      .prepare("INSERT INTO script_tasks (id, file_id, name, status, created) VALUES (?, ?, ?, 'running', ?)")
      .run(id, fileId, name, created);
  }

  task(id: string): TaskRow | undefined {
    return this.#db
      .prepare("SELECT id, file_id, name, status, error, result FROM script_tasks WHERE id = ?")
      .get(id) as TaskRow | undefined;
  }

  appendLog(taskId: string, line: LogLine): void {
    this.#db
      .prepare(
        "INSERT INTO script_logs (task_id, seq, line) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM script_logs WHERE task_id = ?), ?)",
      )
      .run(taskId, taskId, JSON.stringify(line));
  }

  finish(taskId: string, outcome: { error?: string; result?: string }): void {
    this.#db
      .prepare("UPDATE script_tasks SET status = 'finish', error = ?, result = ? WHERE id = ?")
      .run(outcome.error ?? "", outcome.result ?? "", taskId);
  }

  /**
   * The task and the log lines not handed out before, which are marked as handed out in the same
   * transaction: each line is answered exactly once.
   */
  takeNewLines(taskId: string): { task: TaskRow; logs: LogLine[] } | undefined {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const task = this.task(taskId);
      let logs: LogLine[] = [];
      if (task) {
        const rows = this.#db
          .prepare("SELECT line FROM script_logs WHERE task_id = ? AND delivered = 0 ORDER BY seq")
          .all(taskId) as { line: string }[];
        logs = rows.map((r) => JSON.parse(r.line) as LogLine);
        this.#db
          .prepare("UPDATE script_logs SET delivered = 1 WHERE task_id = ? AND delivered = 0")
          .run(taskId);
      }
      this.#db.exec("COMMIT");
      return task && { task, logs };
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Tasks that were running when the server stopped. */
  runningTasks(): TaskRow[] {
    return this.#db
      .prepare("SELECT id, file_id, name, status, error, result FROM script_tasks WHERE status = 'running'")
      .all() as unknown as TaskRow[];
  }

  cell(fileId: string, cell: string): Value | undefined {
    const row = this.#db
      .prepare("SELECT value FROM sheet_cells WHERE file_id = ? AND cell = ?")
      .get(fileId, cell) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as Value) : undefined;
  }

  setCell(fileId: string, cell: string, value: Value): void {
    this.#db
      .prepare(
        "INSERT INTO sheet_cells (file_id, cell, value) VALUES (?, ?, ?) ON CONFLICT (file_id, cell) DO UPDATE SET value = excluded.value",
      )
      .run(fileId, cell, JSON.stringify(value));
  }

  close(): void {
    this.#db.close();
  }
}
