/** Async upload (section 1.5): the server fetches a URL itself and stores what it receives. */
import type { DatabaseSync } from "node:sqlite";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { BlobStore, StagedBlob } from "./blobs.ts";
import type { ContentStore } from "./content.ts";
import { ApiError, notFound, serverFault } from "./errors.ts";
import { newToken, ROOT_TOKEN, type FileRow, type FileTree } from "./files.ts";

export interface ImportRequest {
  url: string;
  filename: string;
  parent_token?: string | undefined;
  parent_path?: string[] | undefined;
  file_token?: string | undefined;
}

export interface ImportTaskView {
  task_id: string;
  status: "processing" | "success" | "failed";
  progress: { current: number; total: number };
  file_token?: string;
  error?: { code: number; msg: string };
}

interface TaskRow {
  id: string;
  status: ImportTaskView["status"];
  current: number;
  total: number;
  request: string;
  file_token: string | null;
  error_code: number | null;
  error_msg: string | null;
}

export class ImportTasks {
  private readonly db: DatabaseSync;
  private readonly tree: FileTree;
  private readonly blobs: BlobStore;
  private readonly content: ContentStore;
  private readonly now: () => number;
  private readonly live = new Map<string, { current: number; total: number }>();
  private readonly running = new Set<Promise<void>>();
  private readonly stop = new AbortController();

  constructor(db: DatabaseSync, tree: FileTree, blobs: BlobStore, content: ContentStore, now: () => number) {
    this.db = db;
    this.tree = tree;
    this.blobs = blobs;
    this.content = content;
    this.now = now;
  }

  start(request: ImportRequest): string {
    const id = newToken();
    this.db
      .prepare(
        "INSERT INTO tasks (id, kind, status, current, total, request, created) VALUES (?, 'upload', 'processing', 0, -1, ?, ?)",
      )
      .run(id, JSON.stringify(request), this.now());
    this.launch(id, request);
    return id;
  }

  get(id: string): ImportTaskView {
    const row = this.db.prepare("SELECT * FROM tasks WHERE id = ? AND kind = 'upload'").get(id) as
      TaskRow | undefined;
    if (!row) throw notFound(`task_id: no upload task "${id}"`);
    const view: ImportTaskView = {
      task_id: row.id,
      status: row.status,
      progress: this.live.get(id) ?? { current: row.current, total: row.total },
    };
    if (row.file_token) view.file_token = row.file_token;
    if (row.error_code !== null) view.error = { code: row.error_code, msg: row.error_msg ?? "" };
    return view;
  }

  /** A fetch cut by a restart starts over: the source is fetched again from its beginning. */
  resumeAll(): void {
    const rows = this.db
      .prepare("SELECT id, request FROM tasks WHERE kind = 'upload' AND status = 'processing'")
      .all() as { id: string; request: string }[];
    for (const row of rows) this.launch(row.id, JSON.parse(row.request) as ImportRequest);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await Promise.allSettled([...this.running]);
  }

  private launch(id: string, request: ImportRequest): void {
    const progress = { current: 0, total: -1 };
    this.live.set(id, progress);
    const run = this.run(id, request, progress).finally(() => {
      this.live.delete(id);
      this.running.delete(run);
    });
    this.running.add(run);
  }

  private async run(id: string, request: ImportRequest, progress: { current: number; total: number }) {
    let staged: StagedBlob | undefined;
    try {
      const response = await fetch(request.url, { signal: this.stop.signal }).catch((error: unknown) => {
        throw serverFault(`fetching the source failed: ${describe(error)}`);
      });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw notFound(`the source answered HTTP ${response.status} ${response.statusText}`.trim());
      }
      const declared = response.headers.get("content-length");
      const length = declared === null ? Number.NaN : Number(declared);
      progress.total = Number.isSafeInteger(length) && length >= 0 ? length : -1;
      const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      staged = await this.blobs
        .stage(body, {
          large: true,
          onBytes: (n) => {
            progress.current = n;
          },
        })
        .catch((error: unknown) => {
          throw serverFault(`reading the source failed: ${describe(error)}`);
        });
      const file = await this.store(request, staged);
      staged = undefined;
      this.finish(id, { current: file.size, total: file.size }, { fileToken: file.token });
    } catch (error) {
      if (staged) await this.blobs.discard(staged.tempPath);
      // A server that shuts down leaves the task processing, to be fetched again on the next start.
      if (this.stop.signal.aborted) return;
      const failure = error instanceof ApiError ? error : serverFault(describe(error));
      this.finish(id, progress, { error: failure });
    }
  }

  private async store(request: ImportRequest, staged: StagedBlob): Promise<FileRow> {
    const fileToken = request.file_token;
    if (fileToken !== undefined) {
      const { row, replacedMd5 } = await this.content.keep(staged, () =>
        this.tree.addVersion(fileToken, staged.size, staged.md5),
      );
      await this.content.release(replacedMd5);
      return row;
    }
    const parent =
      request.parent_path !== undefined
        ? this.tree.ensurePath(ROOT_TOKEN, request.parent_path)
        : (request.parent_token ?? ROOT_TOKEN);
    return this.content.keep(staged, () =>
      this.tree.addFile(parent, request.filename, staged.size, staged.md5),
    );
  }

  private finish(
    id: string,
    progress: { current: number; total: number },
    outcome: { fileToken?: string; error?: ApiError },
  ): void {
    this.db
      .prepare(
        "UPDATE tasks SET status = ?, current = ?, total = ?, file_token = ?, error_code = ?, error_msg = ? WHERE id = ?",
      )
      .run(
        outcome.error ? "failed" : "success",
        progress.current,
        progress.total,
        outcome.fileToken ?? null,
        outcome.error?.code ?? null,
        outcome.error?.message ?? null,
        id,
      );
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
