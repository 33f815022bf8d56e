/**
 * Package downloads (docs/koodrive-api.md, "Share tasks"): up to 1,000 files and folders packed into
 * a real zip at the pacer's rate, then served from a download URL.
 */
import { createReadStream, mkdirSync } from "node:fs";
import { open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { digits } from "./auth.ts";
import type { KooBlobs } from "./blobs.ts";
import { CODES, badParameter, notFound } from "./errors.ts";
import type { FileRow, FileTree } from "./files.ts";
import { JOB_STATUS } from "./jobs.ts";
import type { Pacer } from "./pace.ts";
import type { Shares } from "./shares.ts";
import { stamp14 } from "./time.ts";
import { ZipLimitError, ZipWriter } from "./zip.ts";

export const DOWNLOAD_PREFIX = "/koodrive-download/";

interface TaskRow {
  id: string;
  owner: string;
  share_id: string;
  status: number;
  file_ids: string;
  zip_name: string;
  done: number;
  failed: number;
  result_code: number;
  download_id: string | null;
  created: number;
  started: number | null;
  ended: number | null;
}

interface OpenPackage {
  handle: FileHandle;
  zip: ZipWriter;
  topNames: Set<string>;
}

export class ShareTasks {
  readonly #db: DatabaseSync;
  readonly #tree: FileTree;
  readonly #blobs: KooBlobs;
  readonly #pacer: Pacer;
  readonly #shares: Shares;
  readonly #now: () => number;
  readonly #dir: string;
  readonly #open = new Map<string, OpenPackage>();

  constructor(
    db: DatabaseSync,
    tree: FileTree,
    blobs: KooBlobs,
    pacer: Pacer,
    shares: Shares,
    now: () => number,
    dataDir: string,
  ) {
    this.#db = db;
    this.#tree = tree;
    this.#blobs = blobs;
    this.#pacer = pacer;
    this.#shares = shares;
    this.#now = now;
    this.#dir = join(dataDir, "koodrive-packages");
    mkdirSync(this.#dir, { recursive: true });
  }

  start(
    owner: string,
    request: {
      taskType: number;
      fileIds: string[];
      zipName?: string | undefined;
      shareId: string;
    },
  ): string {
    if (request.taskType !== 1)
      throw badParameter("taskType", "the local cloud runs 1 (package download) only");
    const { shareId } = request;
    if (new Set(request.fileIds).size !== request.fileIds.length)
      throw badParameter("fileIds", "lists a file twice");
    // A package is made of a share's files [doc]: the share must exist and hold each of them.
    this.#shares.check(owner, shareId, request.fileIds);
    let zipName = request.zipName?.trim() || "download.zip";
    if (/[<>|:"*?/\\]/.test(zipName))
      throw badParameter("zipName", 'must not contain any of < > | : " * ? / \\');
    if (!zipName.toLowerCase().endsWith(".zip")) zipName += ".zip";
    const id = digits(19);
    this.#db
      .prepare(
        "INSERT INTO share_tasks (id, owner, share_id, status, file_ids, zip_name, created) VALUES (?, ?, ?, 0, ?, ?, ?)",
      )
      .run(id, owner, shareId, JSON.stringify(request.fileIds), zipName, this.#now());
    this.#schedule(id);
    return id;
  }

  /** The seed's taskInfo. */
  view(owner: string, taskId: string, shareId: string, baseUrl: string) {
    const row = this.#row(taskId);
    if (!row || row.owner !== owner || row.share_id !== shareId) {
      throw notFound(`taskId: no task "${taskId}" in share "${shareId}"`);
    }
    const total = (JSON.parse(row.file_ids) as string[]).length;
    const finished = row.status === JOB_STATUS.done;
    return {
      userId: owner,
      taskId: row.id,
      taskType: 1,
      taskStatus: row.status,
      taskResultCode: !finished ? 0 : row.failed === 0 ? 1 : row.failed === total ? 3 : 2,
      resultCode: row.result_code,
      createTime: stamp14(row.created),
      startTime: row.started === null ? "" : stamp14(row.started),
      endTime: row.ended === null ? "" : stamp14(row.ended),
      progress: Math.floor((row.done * 100) / total),
      downloadUrl: row.download_id ? `${baseUrl}${DOWNLOAD_PREFIX}${row.download_id}` : "",
    };
  }

  /** The finished package behind a download id. */
  async package(downloadId: string): Promise<{ path: string; size: number; name: string } | undefined> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(downloadId)) return undefined;
    const row = this.#db.prepare("SELECT * FROM share_tasks WHERE download_id = ?").get(downloadId) as
      TaskRow | undefined;
    if (!row) return undefined;
    const path = this.#packagePath(downloadId);
    try {
      return { path, size: (await stat(path)).size, name: row.zip_name };
    } catch {
      return undefined;
    }
  }

  /** Unfinished packages are built again from the start. */
  resumeAll(): void {
    const rows = this.#db.prepare("SELECT id FROM share_tasks WHERE status IN (0, 1)").all() as {
      id: string;
    }[];
    for (const { id } of rows) {
      this.#db
        .prepare("UPDATE share_tasks SET status = 0, done = 0, failed = 0, result_code = 0 WHERE id = ?")
        .run(id);
      this.#schedule(id);
    }
  }

  async close(): Promise<void> {
    for (const [id, pkg] of this.#open) {
      await pkg.handle.close().catch(() => {});
      await rm(this.#partPath(id), { force: true });
    }
    this.#open.clear();
  }

  #row(id: string): TaskRow | undefined {
    return this.#db.prepare("SELECT * FROM share_tasks WHERE id = ?").get(id) as TaskRow | undefined;
  }

  #packagePath(downloadId: string): string {
    return join(this.#dir, `${downloadId}.zip`);
  }

  #partPath(taskId: string): string {
    return join(this.#dir, `${taskId}.zip.part`);
  }

  #schedule(id: string): void {
    this.#pacer.run(
      (count) => this.#advance(id, count),
      (error) => void this.#fail(id, error),
    );
  }

  async #advance(id: string, count: number): Promise<boolean> {
    const row = this.#row(id);
    if (!row || row.status >= JOB_STATUS.done) return true;
    let pkg = this.#open.get(id);
    if (!pkg) {
      const handle = await open(this.#partPath(id), "w");
      pkg = { handle, zip: new ZipWriter(handle), topNames: new Set() };
      this.#open.set(id, pkg);
      this.#db.prepare("UPDATE share_tasks SET status = 1, started = ? WHERE id = ?").run(this.#now(), id);
    }
    const fileIds = JSON.parse(row.file_ids) as string[];
    let { done, failed, result_code: resultCode } = row;
    for (const fileId of fileIds.slice(done, done + count)) {
      const item = this.#tree.get(row.owner, fileId);
      if (!item || (item.type === "file" && !this.#blobs.has(item.sha256))) {
        failed++;
        resultCode ||= Number(CODES.notFound);
      } else {
        await this.#pack(row.owner, item, pkg);
      }
      done++;
    }
    const finished = done >= fileIds.length;
    if (finished) return this.#finish(row, pkg, done, failed, resultCode);
    this.#db
      .prepare("UPDATE share_tasks SET done = ?, failed = ?, result_code = ? WHERE id = ?")
      .run(done, failed, resultCode, id);
    return false;
  }

  async #pack(owner: string, item: FileRow, open: OpenPackage): Promise<void> {
    const top = uniqueName(item.name, open.topNames);
    if (item.type === "file") {
      await open.zip.addFile(top, item.mtime, this.#content(item));
      return;
    }
    const paths = new Map<string, string>([[item.id, top]]);
    for (const row of this.#tree.descendants(owner, item.id)) {
      const path = row.id === item.id ? top : `${paths.get(row.parent)}/${row.name}`;
      paths.set(row.id, path);
      if (row.type === "folder") await open.zip.addDirectory(path, row.mtime);
      else if (this.#blobs.has(row.sha256)) await open.zip.addFile(path, row.mtime, this.#content(row));
    }
  }

  #content(row: FileRow): AsyncIterable<Buffer> {
    return createReadStream(this.#blobs.path(row.sha256), { highWaterMark: 1 << 20 });
  }

  async #finish(
    row: TaskRow,
    open: OpenPackage,
    done: number,
    failed: number,
    resultCode: number,
  ): Promise<boolean> {
    this.#open.delete(row.id);
    let downloadId: string | null = null;
    if (failed < done) {
      await open.zip.finish();
      await open.handle.close();
      downloadId = randomBytes(24).toString("base64url");
      await rename(this.#partPath(row.id), this.#packagePath(downloadId));
    } else {
      await open.handle.close();
      await rm(this.#partPath(row.id), { force: true });
    }
    this.#db
      .prepare(
        "UPDATE share_tasks SET status = 2, done = ?, failed = ?, result_code = ?, download_id = ?, ended = ? WHERE id = ?",
      )
      .run(done, failed, resultCode, downloadId, this.#now(), row.id);
    return true;
  }

  async #fail(id: string, error: unknown): Promise<void> {
    const open = this.#open.get(id);
    this.#open.delete(id);
    await open?.handle.close().catch(() => {});
    await rm(this.#partPath(id), { force: true });
    const row = this.#row(id);
    if (!row) return;
    const total = (JSON.parse(row.file_ids) as string[]).length;
    const code = error instanceof ZipLimitError ? CODES.badParameter : CODES.serverFault;
    this.#db
      .prepare(
        "UPDATE share_tasks SET status = 2, done = ?, failed = ?, result_code = ?, ended = ? WHERE id = ?",
      )
      .run(total, total, Number(code), this.#now(), id);
  }
}

/** `name`, or `name (2)` and so on when the package already has an entry by that name. */
function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  const dot = name.lastIndexOf(".");
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 2; taken.has(candidate); n++) candidate = `${stem} (${n})${extension}`;
  taken.add(candidate);
  return candidate;
}
