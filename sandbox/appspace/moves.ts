/** Batch move (section 1.6 of the contract): small moves at once, larger ones as a paced task. */
import type { DatabaseSync } from "node:sqlite";
import { inTransaction } from "./database.ts";
import { ApiError, badArgument, conflict, notFound } from "./errors.ts";
import { newToken, type FileTree } from "./files.ts";

export interface MoveRequest {
  file_tokens: string[];
  parent_token: string;
}

export interface MoveItemResult {
  file_token: string;
  code: number;
  msg: string;
}

export interface MoveTaskView {
  task_id: string;
  type: "move";
  status: "processing" | "success" | "partial" | "failed";
  progress: { current: number; total: number };
  results: MoveItemResult[];
}

interface TaskRow {
  id: string;
  status: MoveTaskView["status"];
  current: number;
  total: number;
  request: string;
  results: string;
}

/** Moves of at most this many items that all succeed answer at once. */
export const IMMEDIATE_MOVE_LIMIT = 10;
const TICK_MS = 50;

export class MoveTasks {
  private readonly db: DatabaseSync;
  private readonly tree: FileTree;
  private readonly itemsPerSecond: number;
  private readonly now: () => number;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(db: DatabaseSync, tree: FileTree, itemsPerSecond: number, now: () => number) {
    this.db = db;
    this.tree = tree;
    this.itemsPerSecond = itemsPerSecond;
    this.now = now;
  }

  /**
   * Checks the rules that concern the whole request, then moves or starts a task; "" means done.
   * `asTask` makes even a small move a task, as the vendor says most moves are.
   */
  start(request: MoveRequest, options: { asTask?: boolean } = {}): string {
    const tokens = request.file_tokens;
    if (new Set(tokens).size !== tokens.length) throw badArgument("file_tokens", "lists a token twice");
    const target = this.tree.requireFolder(request.parent_token, "parent_token");
    const known = tokens.flatMap((token) => this.tree.get(token) ?? []);
    const sourceFolders = new Set(known.map((row) => row.parent));
    if (sourceFolders.size > 1) throw conflict("file_tokens: all items must sit in one folder");
    if (sourceFolders.has(target.token)) throw conflict("parent_token: the items already sit in this folder");
    for (const row of known) {
      if (row.type === "folder" && this.tree.isWithin(target.token, row.token)) {
        throw conflict(`parent_token: the folder "${row.name}" cannot move into itself or below itself`);
      }
    }
    const allWillSucceed =
      known.length === tokens.length && known.every((row) => !this.tree.childNamed(target.token, row.name));
    if (tokens.length <= IMMEDIATE_MOVE_LIMIT && allWillSucceed && !options.asTask) {
      inTransaction(this.db, () => tokens.forEach((token) => this.tree.move(token, target.token)));
      return "";
    }
    const id = newToken();
    this.db
      .prepare(
        "INSERT INTO tasks (id, kind, status, current, total, request, created) VALUES (?, 'move', 'processing', 0, ?, ?, ?)",
      )
      .run(id, tokens.length, JSON.stringify(request), this.now());
    this.schedule(id);
    return id;
  }

  get(id: string): MoveTaskView {
    const row = this.db.prepare("SELECT * FROM tasks WHERE id = ? AND kind = 'move'").get(id) as
      TaskRow | undefined;
    if (!row) throw notFound(`task_id: no task "${id}"`);
    return {
      task_id: row.id,
      type: "move",
      status: row.status,
      progress: { current: row.current, total: row.total },
      results: JSON.parse(row.results) as MoveItemResult[],
    };
  }

  /** Picks up the tasks a previous run of the server left unfinished. */
  resumeAll(): void {
    const rows = this.db
      .prepare("SELECT id FROM tasks WHERE kind = 'move' AND status = 'processing'")
      .all() as {
      id: string;
    }[];
    rows.forEach((row) => this.schedule(row.id));
  }

  close(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
  }

  private schedule(id: string): void {
    let allowance = 0;
    let last = performance.now();
    const tick = () => {
      const now = performance.now();
      allowance += ((now - last) / 1000) * this.itemsPerSecond;
      last = now;
      const batch = Math.floor(allowance);
      allowance -= batch;
      const finished = batch > 0 ? this.advance(id, batch) : false;
      if (finished) this.timers.delete(id);
      else this.timers.set(id, setTimeout(tick, TICK_MS));
    };
    this.timers.set(id, setTimeout(tick, TICK_MS));
  }

  /** Moves up to `count` more items; true when the task is complete. */
  private advance(id: string, count: number): boolean {
    return inTransaction(this.db, () => {
      const row = this.db.prepare("SELECT * FROM tasks WHERE id = ?").get(id) as TaskRow | undefined;
      if (!row || row.status !== "processing") return true;
      const request = JSON.parse(row.request) as MoveRequest;
      const results = JSON.parse(row.results) as MoveItemResult[];
      const end = Math.min(row.total, row.current + count);
      for (const token of request.file_tokens.slice(row.current, end)) {
        results.push(this.moveOne(token, request.parent_token));
      }
      const failures = results.filter((result) => result.code !== 0).length;
      const status: MoveTaskView["status"] =
        end < row.total
          ? "processing"
          : failures === 0
            ? "success"
            : failures === row.total
              ? "failed"
              : "partial";
      this.db
        .prepare("UPDATE tasks SET current = ?, results = ?, status = ? WHERE id = ?")
        .run(end, JSON.stringify(results), status, id);
      return status !== "processing";
    });
  }

  private moveOne(token: string, target: string): MoveItemResult {
    try {
      this.tree.move(token, target);
      return { file_token: token, code: 0, msg: "ok" };
    } catch (error) {
      if (error instanceof ApiError) return { file_token: token, code: error.code, msg: error.message };
      return { file_token: token, code: 50000, msg: (error as Error).message };
    }
  }
}
