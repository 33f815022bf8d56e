/**
 * Batch jobs (docs/koodrive-api.md, "Jobs"): copy (taskType 1), delete (2) and move (3), processed
 * item by item at the pacer's rate, each item with its own result.
 */
import type { DatabaseSync } from "node:sqlite";
import { digits } from "./auth.ts";
import { inTransaction } from "./database.ts";
import { KooError, badParameter, notFound } from "./errors.ts";
import type { FileTree } from "./files.ts";
import type { Pacer } from "./pace.ts";
import { stamp14 } from "./time.ts";

export const JOB_STATUS = { pending: 0, running: 1, done: 2, cancelled: 3 } as const;

export interface ItemResult {
  fileId: string;
  resultCode: number;
  msg: string;
}

interface JobRow {
  id: string;
  owner: string;
  task_type: number;
  action_type: number;
  status: number;
  target: string;
  items: string;
  results: string;
  created: number;
  started: number | null;
  ended: number | null;
}

export interface JobRequest {
  taskType: number;
  actionType?: number | undefined;
  fileIds: string[];
  target?: string | undefined;
}

const ACTIONS: Record<number, { allowed: number[]; fallback: number; name: string }> = {
  1: { allowed: [101], fallback: 101, name: "copy" },
  2: { allowed: [201, 202], fallback: 202, name: "delete" },
  3: { allowed: [301], fallback: 301, name: "move" },
};

/** 1 all succeeded, 2 partly failed, 3 all failed; 0 while the job runs. */
export function resultCodeOf(done: boolean, results: { resultCode: number }[], total: number): number {
  if (!done) return 0;
  const failures = results.filter((r) => r.resultCode !== 0).length;
  return failures === 0 ? 1 : failures === total ? 3 : 2;
}

export class Jobs {
  readonly #db: DatabaseSync;
  readonly #tree: FileTree;
  readonly #pacer: Pacer;
  readonly #now: () => number;
  readonly #release: (sha256s: string[]) => Promise<void>;

  constructor(
    db: DatabaseSync,
    tree: FileTree,
    pacer: Pacer,
    now: () => number,
    release: (sha256s: string[]) => Promise<void>,
  ) {
    this.#db = db;
    this.#tree = tree;
    this.#pacer = pacer;
    this.#now = now;
    this.#release = release;
  }

  /** Checks what concerns the whole request, then queues the job; answers its id. */
  start(owner: string, request: JobRequest): string {
    const action = ACTIONS[request.taskType];
    if (!action) throw badParameter("taskType", "the local cloud runs 1 (copy), 2 (delete) and 3 (move)");
    const actionType = request.actionType ?? action.fallback;
    if (!action.allowed.includes(actionType)) {
      throw badParameter("actionType", `a ${action.name} job takes ${action.allowed.join(" or ")}`);
    }
    if (new Set(request.fileIds).size !== request.fileIds.length) {
      throw badParameter("taskInfo.fileInfo", "lists a file twice");
    }
    let target = "";
    if (request.taskType !== 2) {
      if (request.target === undefined)
        throw badParameter("taskInfo.newFilePath", "is required: the target folder id");
      target = this.#tree.requireFolder(owner, request.target, "taskInfo.newFilePath").id;
    }
    const id = digits(19);
    this.#db
      .prepare(
        "INSERT INTO jobs (id, owner, task_type, action_type, status, target, items, created) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
      )
      .run(id, owner, request.taskType, actionType, target, JSON.stringify(request.fileIds), this.#now());
    this.#schedule(id);
    return id;
  }

  view(owner: string, id: string, containerId: string) {
    const row = this.#row(id);
    if (!row || row.owner !== owner) throw notFound(`job_id: no job "${id}"`);
    const items = JSON.parse(row.items) as string[];
    const results = JSON.parse(row.results) as ItemResult[];
    const done = row.status === JOB_STATUS.done;
    return {
      jobInfo: {
        taskId: row.id,
        taskName: `${ACTIONS[row.task_type]?.name ?? "job"} of ${items.length} items`,
        userId: owner,
        taskType: row.task_type,
        actionType: row.action_type,
        status: row.status,
        taskResultCode: resultCodeOf(done, results, items.length),
        resultCode: results.find((r) => r.resultCode !== 0)?.resultCode ?? 0,
        progress: Math.floor((results.length * 100) / items.length),
        contentNum: items.length,
        containerId,
        createTime: stamp14(row.created),
        beginTime: row.started === null ? "" : stamp14(row.started),
        endTime: row.ended === null ? "" : stamp14(row.ended),
      },
      taskInfos: results.map((r) => ({ ...r, status: JOB_STATUS.done })),
    };
  }

  /** Picks up the jobs a previous run left unfinished. */
  resumeAll(): void {
    const rows = this.#db.prepare("SELECT id FROM jobs WHERE status IN (0, 1)").all() as { id: string }[];
    for (const row of rows) this.#schedule(row.id);
  }

  #row(id: string): JobRow | undefined {
    return this.#db.prepare("SELECT * FROM jobs WHERE id = ?").get(id) as JobRow | undefined;
  }

  #schedule(id: string): void {
    this.#pacer.run(
      (count) => this.#advance(id, count),
      (error) => {
        // A fault of the local cloud itself: the remaining items fail so the job still ends.
        const row = this.#row(id);
        if (!row) return;
        const items = JSON.parse(row.items) as string[];
        const results = JSON.parse(row.results) as ItemResult[];
        for (const fileId of items.slice(results.length)) {
          results.push({ fileId, resultCode: 13000500, msg: `internal error: ${(error as Error).message}` });
        }
        this.#db
          .prepare("UPDATE jobs SET status = 2, results = ?, ended = ? WHERE id = ?")
          .run(JSON.stringify(results), this.#now(), id);
      },
    );
  }

  async #advance(id: string, count: number): Promise<boolean> {
    const freed: string[] = [];
    const finished = inTransaction(this.#db, () => {
      const row = this.#row(id);
      if (!row || row.status >= JOB_STATUS.done) return true;
      const items = JSON.parse(row.items) as string[];
      const results = JSON.parse(row.results) as ItemResult[];
      for (const fileId of items.slice(results.length, results.length + count)) {
        results.push(this.#one(row, fileId, freed));
      }
      const done = results.length >= items.length;
      this.#db
        .prepare(
          "UPDATE jobs SET status = ?, results = ?, started = COALESCE(started, ?), ended = ? WHERE id = ?",
        )
        .run(done ? 2 : 1, JSON.stringify(results), this.#now(), done ? this.#now() : null, id);
      return done;
    });
    if (freed.length > 0) await this.#release(freed);
    return finished;
  }

  #one(row: JobRow, fileId: string, freed: string[]): ItemResult {
    try {
      if (row.task_type === 3) this.#tree.move(row.owner, fileId, row.target);
      else if (row.task_type === 1) this.#tree.copy(row.owner, fileId, row.target);
      else freed.push(...this.#tree.remove(row.owner, fileId));
      return { fileId, resultCode: 0, msg: "success" };
    } catch (error) {
      if (error instanceof KooError) return { fileId, resultCode: Number(error.code), msg: error.message };
      throw error;
    }
  }
}
