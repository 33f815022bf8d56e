/**
 * The journal: what docsync knows about every pair, file, upload, server task and task, in one
 * SQLite file (WAL). Every write that must stay consistent with another goes through `transaction`,
 * so a crash at any point leaves either the old or the new state, never a mix.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import type { ActivityEntry, TaskView } from "../../../shared/model.ts";
import type { RemoteEntry } from "../cloud/provider.ts";
import { told, type Phrase, type Words } from "../words.ts";
import { migrations } from "./migrations.ts";

export type DeletePolicy = "keep" | "mirror";

/** A script a pair runs on each uploaded document whose extension is listed. */
export interface ScriptRule {
  /** Lowercase, without the dot ("xlsx"). */
  extensions: string[];
  /** The script's text. */
  script: string;
  name?: string;
}

export interface PairRecord {
  id: string;
  accountId: string;
  localPath: string;
  remotePath: string;
  deletePolicy: DeletePolicy;
  paused: boolean;
  remoteRootId: string | null;
  createdAt: number;
  scriptRule?: ScriptRule;
}

/** A file as last synced: its local stat and content hash, and the remote file holding that content. */
export interface FileRecord {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** The device the inode belongs to (0 when recorded before devices were). */
  dev: number;
  /** When the inode was made (0 when unknown): a reused inode has another. */
  btimeMs: number;
  md5: string | null;
  remoteId: string | null;
  remoteVersion: number | null;
  /**
   * Recorded within RACY_MS of the file's last write: a same-size write in the same timestamp tick
   * would leave size and mtime as they are, so only a new hash proves the content unchanged. Set by
   * the journal when the record is written; whatever a caller passes is ignored.
   */
  racy?: boolean;
}

/**
 * How soon after a file's last write its record stops vouching for its content by stat alone (git's
 * "racy" files). The tick itself is a few ms (2 s on FAT); the window is wide because a record is
 * written after the stat it holds: after the file's upload, seconds later.
 */
export const RACY_MS = 60_000;

export interface FolderRecord {
  path: string;
  remoteId: string;
  /** The local folder's identity (0 when not known yet). */
  dev?: number;
  ino?: number;
  btimeMs?: number;
}

/**
 * A create in the cloud that a pass sent (or was about to send) and has not recorded the answer of;
 * or (`version`) a new version of a cloud file.
 */
export interface RemoteCreateRecord {
  path: string;
  kind: "file" | "folder" | "version";
  /** The cloud folder it goes into, and its name there; for a version, the cloud file it goes to. */
  parentId: string;
  name: string;
  size: number | null;
  md5: string | null;
  startedAt: number;
}

export interface UploadRecord {
  key: string;
  pairId: string | null;
  path: string;
  resume: unknown;
  updatedAt: number;
}

export interface ServerTaskRecord {
  id: string;
  kind: string;
  accountId: string;
  taskId: string | null;
  context: unknown;
  startedAt: number;
}

/** One upload of a pair file: the cloud file and version it produced. */
export interface UploadedRecord {
  pairId: string;
  path: string;
  remoteId: string;
  version: number;
  /** The task that showed the upload (the file's own task, or the pass's). */
  uploadTaskId: string | null;
}

export interface FailureRecord {
  path: string;
  /** A phrase where the core has one (kept as its key and values, said in the reader's language). */
  reason: Words;
  attempts: number;
  nextRetryAt: number | null;
}

/** An activity line as the core writes it: its words, a phrase when they have one. */
export interface NewActivity {
  level: ActivityEntry["level"];
  text: Words;
  pairId?: string;
  accountId?: string;
}

export interface Journal {
  /** Where the journal lives (":memory:" in unit tests). */
  readonly location: string;
  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T;

  pairs(): PairRecord[];
  putPair(pair: PairRecord): void;
  /** Forgets the pair and everything recorded for it. */
  deletePair(pairId: string): void;

  files(pairId: string): FileRecord[];
  /** The files directly in `folder` ("" for the pair's root), read through an index. */
  filesIn(pairId: string, folder: string): FileRecord[];
  /** The files at any depth below `folder`. */
  filesBelow(pairId: string, folder: string): FileRecord[];
  /** Every folder that directly holds a known file ("" for the root). */
  fileFolders(pairId: string): string[];
  filesWithIno(pairId: string, ino: number): FileRecord[];
  /** The file recorded with this cloud copy. */
  fileByRemoteId(pairId: string, remoteId: string): FileRecord | undefined;
  /** Known files with no cloud copy yet (indexed, not uploaded), in path order after `after`. */
  unsyncedFiles(pairId: string, after: string, limit: number): FileRecord[];
  unsyncedCount(pairId: string): number;
  fileCount(pairId: string): number;
  file(pairId: string, path: string): FileRecord | undefined;
  putFile(pairId: string, file: FileRecord): void;
  deleteFile(pairId: string, path: string): void;
  /**
   * Renames one path, or the folder and every path below it when `folder` is true (a folder move).
   * A record already at a target path is replaced by the one moving there.
   */
  movePath(pairId: string, from: string, to: string, folder: boolean): void;
  /** Forgets the folder and every file and folder below it. */
  deleteBelow(pairId: string, folder: string): void;

  folders(pairId: string): Required<FolderRecord>[];
  putFolder(pairId: string, folder: FolderRecord): void;

  /** Creates sent to the cloud whose answer is not recorded yet (written before the request goes). */
  remoteCreates(pairId: string): RemoteCreateRecord[];
  putRemoteCreate(pairId: string, create: RemoteCreateRecord): void;
  deleteRemoteCreate(pairId: string, path: string): void;

  /** The cloud entries under the pair's cloud folder as last listed. */
  remoteEntry(pairId: string, id: string): RemoteEntry | undefined;
  /** The entries last listed directly in the cloud folder `parentId`. */
  remoteChildren(pairId: string, parentId: string): RemoteEntry[];
  remoteEntryCount(pairId: string): number;
  putRemoteEntry(pairId: string, entry: RemoteEntry): void;
  deleteRemoteEntry(pairId: string, id: string): void;

  uploads(): UploadRecord[];
  upload(key: string): UploadRecord | undefined;
  putUpload(upload: UploadRecord): void;
  deleteUpload(key: string): void;

  serverTasks(): ServerTaskRecord[];
  putServerTask(task: ServerTaskRecord): void;
  deleteServerTask(id: string): void;

  tasks(): { view: TaskView; resume: unknown }[];
  putTask(view: TaskView, resume: unknown, final: boolean): void;
  deleteTask(id: string): void;

  /** Uploads whose "uploaded" hook has not finished yet. */
  uploadHooks(): UploadedRecord[];
  putUploadHook(upload: UploadedRecord, at: number): void;
  deleteUploadHook(upload: UploadedRecord): void;

  /**
   * Records that a script run for this uploaded version starts; false when one was recorded before
   * (the run must not start again).
   */
  claimScriptRun(upload: UploadedRecord, at: number): boolean;
  setScriptRunTask(upload: UploadedRecord, taskId: string): void;
  scriptRuns(pairId: string): (UploadedRecord & { taskId: string | null })[];

  failures(pairId: string): FailureRecord[];
  putFailure(pairId: string, failure: FailureRecord): void;
  clearFailure(pairId: string, path: string): void;

  /** An activity line (its phrase, when it has one, is kept beside its English text). */
  appendEvent(entry: NewActivity & { time: number }): ActivityEntry;
  /** The latest `limit` events, oldest first. */
  events(limit: number): ActivityEntry[];

  close(): void;
}

const schemaVersionTable = "create table if not exists schema_version (version integer not null)";

function migrate(db: DatabaseSync): void {
  db.exec(schemaVersionTable);
  const row = db.prepare("select version from schema_version").get() as { version: number } | undefined;
  let version = row?.version ?? 0;
  if (!row) db.prepare("insert into schema_version (version) values (0)").run();
  if (version > migrations.length) {
    throw new Error(
      `The journal was written by a newer docsync (schema ${version}, this one knows ${migrations.length}).`,
    );
  }
  while (version < migrations.length) {
    const sql = migrations[version]!;
    db.exec("begin immediate");
    try {
      db.exec(sql);
      db.prepare("update schema_version set version = ?").run(version + 1);
      db.exec("commit");
    } catch (error) {
      db.exec("rollback");
      throw error;
    }
    version += 1;
  }
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
const parse = (text: unknown): unknown => (typeof text === "string" ? JSON.parse(text) : undefined);

/** A file's folder with a trailing slash ("" at the root), as the files_by_dir index computes it. */
const dirOf = "rtrim(path, replace(path, '/', ''))";

/** Escapes LIKE wildcards so a folder named `a_b%` only matches itself. */
const likePrefix = (folder: string): string => folder.replace(/[\\%_]/g, (c) => `\\${c}`) + "/%";

function openDatabase(file: string): DatabaseSync {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  try {
    db.exec("pragma journal_mode = wal; pragma synchronous = normal; pragma busy_timeout = 5000;");
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** SQLITE_CORRUPT or SQLITE_NOTADB (extended codes included): the file is damaged or not a database. */
const isDamaged = (error: unknown): boolean =>
  [11, 26].includes(((error as { errcode?: number }).errcode ?? 0) & 0xff);

/**
 * Opens the journal; a damaged one (no longer a database, or a broken page) is moved aside with its
 * -wal and -shm, and a fresh one is started. Nothing else is touched: not the files in the pairs'
 * folders, not the cloud (the fresh journal has no pairs, so nothing syncs until they are added again).
 */
export function openJournalOrStartAfresh(
  file: string,
  now: number,
): { journal: Journal; movedAside?: string } {
  const moveAside = () => {
    const aside = `${file}.damaged-${new Date(now).toISOString().replace(/[:.]/g, "-")}`;
    for (const suffix of ["", "-wal", "-shm"]) {
      if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
    }
    return { journal: openJournal(file), movedAside: aside };
  };
  // Not a database at all: moved aside before SQLite opens it (and perhaps tidies its -wal away).
  if (!hasDatabaseHeader(file)) return moveAside();
  try {
    return { journal: openJournal(file) };
  } catch (error) {
    if (!isDamaged(error)) throw error;
    return moveAside();
  }
}

const HEADER = Buffer.from("SQLite format 3\0");

/** True for a missing or empty file (a new journal) and for one that starts like a database. */
function hasDatabaseHeader(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return true;
  }
  try {
    const head = Buffer.alloc(HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === 0 || head.equals(HEADER);
  } finally {
    closeSync(fd);
  }
}

export function openJournal(file: string): Journal {
  const db = openDatabase(file);

  const cache = new Map<string, StatementSync>();
  const sql = (text: string): StatementSync => {
    let statement = cache.get(text);
    if (!statement) {
      statement = db.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };
  let depth = 0;

  const journal: Journal = {
    location: file,
    transaction<T>(fn: () => T): T {
      if (depth > 0) {
        depth += 1;
        try {
          return fn();
        } finally {
          depth -= 1;
        }
      }
      db.exec("begin immediate");
      depth = 1;
      try {
        const result = fn();
        db.exec("commit");
        return result;
      } catch (error) {
        // A commit that failed (a full disk) may have ended the transaction already.
        if (db.isTransaction) db.exec("rollback");
        throw error;
      } finally {
        depth = 0;
      }
    },

    pairs() {
      return sql("select * from pairs order by created_at, id")
        .all()
        .map((r) => ({
          id: String(r.id),
          accountId: String(r.account_id),
          localPath: String(r.local_path),
          remotePath: String(r.remote_path),
          deletePolicy: r.delete_policy === "mirror" ? "mirror" : "keep",
          paused: r.paused === 1,
          remoteRootId: r.remote_root_id === null ? null : String(r.remote_root_id),
          createdAt: Number(r.created_at),
          ...(typeof r.script_rule === "string" ? { scriptRule: parse(r.script_rule) as ScriptRule } : {}),
        }));
    },
    putPair(p) {
      sql(
        `insert into pairs (id, account_id, local_path, remote_path, delete_policy, paused, remote_root_id, created_at, script_rule)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (id) do update set account_id = excluded.account_id, local_path = excluded.local_path,
           remote_path = excluded.remote_path, delete_policy = excluded.delete_policy, paused = excluded.paused,
           remote_root_id = excluded.remote_root_id, script_rule = excluded.script_rule`,
      ).run(
        p.id,
        p.accountId,
        p.localPath,
        p.remotePath,
        p.deletePolicy,
        p.paused ? 1 : 0,
        p.remoteRootId,
        p.createdAt,
        json(p.scriptRule),
      );
    },
    deletePair(pairId) {
      journal.transaction(() => {
        for (const table of [
          "files",
          "folders",
          "failures",
          "uploads",
          "upload_hooks",
          "script_runs",
          "remote_creates",
          "remote_entries",
        ]) {
          sql(`delete from ${table} where pair_id = ?`).run(pairId);
        }
        sql("delete from pairs where id = ?").run(pairId);
      });
    },

    files(pairId) {
      const out: FileRecord[] = [];
      for (const row of sql("select * from files where pair_id = ?").iterate(pairId)) out.push(toFile(row));
      return out;
    },
    filesIn(pairId, folder) {
      const out: FileRecord[] = [];
      const key = folder === "" ? "" : folder + "/";
      for (const row of sql(
        `select * from files indexed by files_by_dir where pair_id = ? and ${dirOf} = ?`,
      ).iterate(pairId, key))
        out.push(toFile(row));
      return out;
    },
    filesBelow(pairId, folder) {
      // "0" is the character after "/": the range is exactly the paths that start with "folder/".
      return sql("select * from files where pair_id = ? and path > ? and path < ?")
        .all(pairId, folder + "/", folder + "0")
        .map(toFile);
    },
    fileFolders(pairId) {
      return sql(`select distinct ${dirOf} as dir from files where pair_id = ?`)
        .all(pairId)
        .map((r) => String(r.dir).slice(0, -1));
    },
    filesWithIno(pairId, ino) {
      return sql("select * from files where pair_id = ? and ino = ?").all(pairId, ino).map(toFile);
    },
    fileByRemoteId(pairId, remoteId) {
      const row = sql(
        "select * from files indexed by files_by_remote where pair_id = ? and remote_id = ?",
      ).get(pairId, remoteId);
      return row ? toFile(row) : undefined;
    },
    unsyncedFiles(pairId, after, limit) {
      return sql(
        "select * from files indexed by files_unsynced where pair_id = ? and path > ? and remote_id is null order by path limit ?",
      )
        .all(pairId, after, limit)
        .map(toFile);
    },
    unsyncedCount(pairId) {
      const row = sql(
        "select count(*) as n from files indexed by files_unsynced where pair_id = ? and remote_id is null",
      ).get(pairId);
      return Number(row?.n ?? 0);
    },
    fileCount(pairId) {
      const row = sql("select count(*) as n from files where pair_id = ?").get(pairId);
      return Number(row?.n ?? 0);
    },
    file(pairId, path) {
      const row = sql("select * from files where pair_id = ? and path = ?").get(pairId, path);
      return row ? toFile(row) : undefined;
    },
    putFile(pairId, f) {
      sql(
        `insert or replace into files (pair_id, path, size, mtime_ms, ino, dev, btime, md5, remote_id, remote_version, racy)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        pairId,
        f.path,
        f.size,
        f.mtimeMs,
        f.ino,
        f.dev,
        f.btimeMs,
        f.md5,
        f.remoteId,
        f.remoteVersion,
        Date.now() - f.mtimeMs < RACY_MS ? 1 : 0,
      );
    },
    deleteFile(pairId, path) {
      sql("delete from files where pair_id = ? and path = ?").run(pairId, path);
    },
    movePath(pairId, from, to, folder) {
      journal.transaction(() => {
        if (!folder) {
          sql("update or replace files set path = ? where pair_id = ? and path = ?").run(to, pairId, from);
          return;
        }
        // SQLite counts characters (code points), not UTF-16 units: an emoji is one.
        const cut = [...from].length + 1;
        for (const table of ["files", "folders"]) {
          sql(
            `update or replace ${table} set path = ? || substr(path, ?) where pair_id = ? and path like ? escape '\\'`,
          ).run(to + "/", cut + 1, pairId, likePrefix(from));
        }
        sql("update or replace folders set path = ? where pair_id = ? and path = ?").run(to, pairId, from);
      });
    },
    deleteBelow(pairId, folder) {
      journal.transaction(() => {
        // A file at the folder's own path is not in it (a folder replaced by a file of its name).
        sql(`delete from files where pair_id = ? and path like ? escape '\\'`).run(
          pairId,
          likePrefix(folder),
        );
        sql(`delete from folders where pair_id = ? and (path = ? or path like ? escape '\\')`).run(
          pairId,
          folder,
          likePrefix(folder),
        );
      });
    },

    folders(pairId) {
      return sql("select path, remote_id, dev, ino, btime from folders where pair_id = ?")
        .all(pairId)
        .map((r) => ({
          path: String(r.path),
          remoteId: String(r.remote_id),
          dev: Number(r.dev),
          ino: Number(r.ino),
          btimeMs: Number(r.btime),
        }));
    },
    putFolder(pairId, f) {
      sql(
        "insert or replace into folders (pair_id, path, remote_id, dev, ino, btime) values (?, ?, ?, ?, ?, ?)",
      ).run(pairId, f.path, f.remoteId, f.dev ?? 0, f.ino ?? 0, f.btimeMs ?? 0);
    },

    remoteCreates(pairId) {
      return sql("select * from remote_creates where pair_id = ? order by length(path), path")
        .all(pairId)
        .map((r) => ({
          path: String(r.path),
          kind: r.kind === "folder" || r.kind === "version" ? r.kind : "file",
          parentId: String(r.parent_id),
          name: String(r.name),
          size: r.size === null ? null : Number(r.size),
          md5: r.md5 === null ? null : String(r.md5),
          startedAt: Number(r.started_at),
        }));
    },
    putRemoteCreate(pairId, c) {
      sql(
        `insert or replace into remote_creates (pair_id, path, kind, parent_id, name, size, md5, started_at)
         values (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(pairId, c.path, c.kind, c.parentId, c.name, c.size, c.md5, c.startedAt);
    },
    deleteRemoteCreate(pairId, path) {
      sql("delete from remote_creates where pair_id = ? and path = ?").run(pairId, path);
    },

    remoteEntry(pairId, id) {
      const row = sql("select * from remote_entries where pair_id = ? and id = ?").get(pairId, id);
      return row ? toRemoteEntry(row) : undefined;
    },
    remoteChildren(pairId, parentId) {
      return sql("select * from remote_entries where pair_id = ? and parent_id = ? order by name")
        .all(pairId, parentId)
        .map(toRemoteEntry);
    },
    remoteEntryCount(pairId) {
      return Number(sql("select count(*) as n from remote_entries where pair_id = ?").get(pairId)!.n);
    },
    putRemoteEntry(pairId, e) {
      sql(
        `insert or replace into remote_entries (pair_id, id, parent_id, name, kind, size, md5, version, mtime)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(pairId, e.id, e.parentId, e.name, e.kind, e.size, e.md5 ?? null, e.version, e.mtime);
    },
    deleteRemoteEntry(pairId, id) {
      sql("delete from remote_entries where pair_id = ? and id = ?").run(pairId, id);
    },

    uploads() {
      return sql("select * from uploads").all().map(toUpload);
    },
    upload(key) {
      const row = sql("select * from uploads where key = ?").get(key);
      return row ? toUpload(row) : undefined;
    },
    putUpload(u) {
      sql(
        "insert or replace into uploads (key, pair_id, path, resume_json, updated_at) values (?, ?, ?, ?, ?)",
      ).run(u.key, u.pairId, u.path, json(u.resume), u.updatedAt);
    },
    deleteUpload(key) {
      sql("delete from uploads where key = ?").run(key);
    },

    serverTasks() {
      return sql("select * from server_tasks order by started_at")
        .all()
        .map((r) => ({
          id: String(r.id),
          kind: String(r.kind),
          accountId: String(r.account_id),
          taskId: r.task_id === null ? null : String(r.task_id),
          context: parse(r.context_json),
          startedAt: Number(r.started_at),
        }));
    },
    putServerTask(t) {
      sql(
        `insert or replace into server_tasks (id, kind, account_id, task_id, context_json, started_at)
         values (?, ?, ?, ?, ?, ?)`,
      ).run(t.id, t.kind, t.accountId, t.taskId, json(t.context), t.startedAt);
    },
    deleteServerTask(id) {
      sql("delete from server_tasks where id = ?").run(id);
    },

    tasks() {
      return sql("select view_json, resume_json from tasks order by rowid")
        .all()
        .map((r) => ({ view: parse(r.view_json) as TaskView, resume: parse(r.resume_json) }));
    },
    putTask(view, resume, final) {
      sql(
        "insert or replace into tasks (id, view_json, resume_json, final, updated_at) values (?, ?, ?, ?, ?)",
      ).run(view.id, JSON.stringify(view), json(resume), final ? 1 : 0, view.updatedAt);
    },
    deleteTask(id) {
      sql("delete from tasks where id = ?").run(id);
    },

    uploadHooks() {
      return sql("select * from upload_hooks order by created_at").all().map(toUploaded);
    },
    putUploadHook(u, at) {
      sql(
        `insert or replace into upload_hooks (pair_id, path, remote_id, version, upload_task_id, created_at)
         values (?, ?, ?, ?, ?, ?)`,
      ).run(u.pairId, u.path, u.remoteId, u.version, u.uploadTaskId, at);
    },
    deleteUploadHook(u) {
      sql("delete from upload_hooks where pair_id = ? and path = ? and remote_id = ? and version = ?").run(
        u.pairId,
        u.path,
        u.remoteId,
        u.version,
      );
    },

    claimScriptRun(u, at) {
      const result = sql(
        `insert or ignore into script_runs (pair_id, path, remote_id, version, upload_task_id, started_at)
         values (?, ?, ?, ?, ?, ?)`,
      ).run(u.pairId, u.path, u.remoteId, u.version, u.uploadTaskId, at);
      return Number(result.changes) === 1;
    },
    setScriptRunTask(u, taskId) {
      sql(
        "update script_runs set task_id = ? where pair_id = ? and path = ? and remote_id = ? and version = ?",
      ).run(taskId, u.pairId, u.path, u.remoteId, u.version);
    },
    scriptRuns(pairId) {
      return sql("select * from script_runs where pair_id = ? order by started_at, path")
        .all(pairId)
        .map((r) => ({ ...toUploaded(r), taskId: r.task_id === null ? null : String(r.task_id) }));
    },

    failures(pairId) {
      return sql("select * from failures where pair_id = ?")
        .all(pairId)
        .map((r) => ({
          path: String(r.path),
          reason:
            typeof r.reason_phrase_json === "string"
              ? (JSON.parse(r.reason_phrase_json) as Phrase)
              : String(r.reason),
          attempts: Number(r.attempts),
          nextRetryAt: r.next_retry_at === null ? null : Number(r.next_retry_at),
        }));
    },
    putFailure(pairId, f) {
      const words = told("reason", f.reason);
      sql(
        "insert or replace into failures (pair_id, path, reason, reason_phrase_json, attempts, next_retry_at) values (?, ?, ?, ?, ?, ?)",
      ).run(
        pairId,
        f.path,
        words.reason,
        words.reasonPhrase ? JSON.stringify(words.reasonPhrase) : null,
        f.attempts,
        f.nextRetryAt,
      );
    },
    clearFailure(pairId, path) {
      sql("delete from failures where pair_id = ? and path = ?").run(pairId, path);
    },

    appendEvent({ text, ...e }) {
      const words = told("text", text);
      const result = sql(
        "insert into events (time, level, text, phrase_json, pair_id, account_id) values (?, ?, ?, ?, ?, ?)",
      ).run(
        e.time,
        e.level,
        words.text,
        words.textPhrase ? JSON.stringify(words.textPhrase) : null,
        e.pairId ?? null,
        e.accountId ?? null,
      );
      return {
        ...e,
        text: words.text,
        ...(words.textPhrase ? { phrase: words.textPhrase } : {}),
        seq: Number(result.lastInsertRowid),
      };
    },
    events(limit) {
      return sql("select * from events order by seq desc limit ?")
        .all(limit)
        .reverse()
        .map((r) => ({
          seq: Number(r.seq),
          time: Number(r.time),
          level: r.level === "warn" || r.level === "error" ? r.level : "info",
          text: String(r.text),
          ...(typeof r.phrase_json === "string" ? { phrase: JSON.parse(r.phrase_json) as Phrase } : {}),
          ...(r.pair_id === null ? {} : { pairId: String(r.pair_id) }),
          ...(r.account_id === null ? {} : { accountId: String(r.account_id) }),
        }));
    },

    close() {
      if (db.isOpen) db.close();
    },
  };
  return journal;
}

function toFile(r: Record<string, unknown>): FileRecord {
  return {
    path: String(r.path),
    size: Number(r.size),
    mtimeMs: Number(r.mtime_ms),
    ino: Number(r.ino),
    dev: Number(r.dev ?? 0),
    btimeMs: Number(r.btime ?? 0),
    md5: r.md5 === null ? null : String(r.md5),
    remoteId: r.remote_id === null ? null : String(r.remote_id),
    remoteVersion: r.remote_version === null ? null : Number(r.remote_version),
    racy: Number(r.racy ?? 0) === 1,
  };
}

function toUploaded(r: Record<string, unknown>): UploadedRecord {
  return {
    pairId: String(r.pair_id),
    path: String(r.path),
    remoteId: String(r.remote_id),
    version: Number(r.version),
    uploadTaskId: r.upload_task_id === null ? null : String(r.upload_task_id),
  };
}

function toUpload(r: Record<string, unknown>): UploadRecord {
  return {
    key: String(r.key),
    pairId: r.pair_id === null ? null : String(r.pair_id),
    path: String(r.path),
    resume: parse(r.resume_json),
    updatedAt: Number(r.updated_at),
  };
}

function toRemoteEntry(r: Record<string, unknown>): RemoteEntry {
  return {
    id: String(r.id),
    name: String(r.name),
    kind: r.kind === "folder" ? "folder" : "file",
    parentId: String(r.parent_id),
    size: Number(r.size),
    ...(r.md5 === null ? {} : { md5: String(r.md5) }),
    version: Number(r.version),
    mtime: Number(r.mtime),
  };
}
