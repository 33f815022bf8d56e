/** Each user's folder tree (docs/koodrive-api.md, "Files and folders"). */
import { randomBytes } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { inTransaction } from "./database.ts";
import { CODES, KooError, badParameter, nameTaken, notFound } from "./errors.ts";

export const ROOT_ID = "root";
export const FOLDER_TYPE = "10";
/** Page size default and ceiling [doc]. */
export const MAX_PAGE_SIZE = 100;

export interface FileRow {
  owner: string;
  id: string;
  parent: string;
  name: string;
  type: "file" | "folder";
  size: number;
  sha256: string;
  version: number;
  /** Unix milliseconds. */
  ctime: number;
  mtime: number;
}

/** 2: append a time stamp when the name is taken; 3: refuse [doc]. */
export type RenameMode = 2 | 3;

export function newFileId(): string {
  return `F${randomBytes(16).toString("base64url")}`;
}

/** Throws 13000102 naming `field` when `name` cannot be a file or folder name [doc rules]. */
export function validateName(field: string, name: string): void {
  if (name.length === 0) throw badParameter(field, "must not be empty");
  if ([...name].length > 250) throw badParameter(field, "is longer than 250 characters");
  if (name === "." || name === "..") throw badParameter(field, `"${name}" is not a valid name`);
  if (/[<>|:"*?/\\]/.test(name)) throw badParameter(field, 'must not contain any of < > | : " * ? / \\');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw badParameter(field, "must not contain control characters");
}

const TYPE_BY_EXTENSION: Record<string, string> = {
  jpg: "15",
  jpeg: "15",
  png: "15",
  gif: "15",
  webp: "15",
  bmp: "15",
  mp4: "20",
  mov: "20",
  avi: "20",
  mkv: "20",
  doc: "26",
  docx: "26",
  xls: "27",
  xlsx: "27",
  csv: "27",
  ppt: "28",
  pptx: "28",
  mp3: "30",
  wav: "30",
  flac: "30",
  zip: "35",
  rar: "35",
  "7z": "35",
  gz: "35",
  apk: "40",
  exe: "40",
};

/** The vendor's fileType for a name: "10" folder, 15 image … 45 other [doc]. */
export function fileTypeOf(row: Pick<FileRow, "type" | "name">): string {
  if (row.type === "folder") return FOLDER_TYPE;
  const extension = /\.([^.]+)$/.exec(row.name)?.[1]?.toLowerCase() ?? "";
  return TYPE_BY_EXTENSION[extension] ?? "45";
}

/** `2023-08-18T05:43:49Z`, the vendor's time format. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function toWireFile(row: FileRow, containerId: string) {
  return {
    id: row.id,
    fileName: row.name,
    fileType: fileTypeOf(row),
    parentFolder: row.parent === "" ? [] : [row.parent],
    containers: [containerId],
    size: row.size,
    sha256: row.sha256,
    version: row.version,
    recycled: false,
    createdTime: isoSeconds(row.ctime),
    editedTime: isoSeconds(row.mtime),
  };
}

export class FileTree {
  readonly #db: DatabaseSync;
  readonly #now: () => number;

  constructor(db: DatabaseSync, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  /** Every user has a root folder. */
  ensureRoot(owner: string): void {
    const t = this.#now();
    this.#db
      .prepare(
        "INSERT OR IGNORE INTO files (owner, id, parent, name, type, ctime, mtime) VALUES (?, 'root', '', '', 'folder', ?, ?)",
      )
      .run(owner, t, t);
  }

  get(owner: string, id: string): FileRow | undefined {
    return this.#db.prepare("SELECT * FROM files WHERE owner = ? AND id = ?").get(owner, id) as
      FileRow | undefined;
  }

  require(owner: string, id: string, field: string): FileRow {
    const row = this.get(owner, id);
    if (!row) throw notFound(`${field}: no file or folder "${id}"`);
    return row;
  }

  requireFolder(owner: string, id: string, field: string): FileRow {
    const row = this.get(owner, id);
    if (!row) throw notFound(`${field}: no folder "${id}"`);
    if (row.type !== "folder") throw badParameter(field, `"${id}" is a file, not a folder`);
    return row;
  }

  childNamed(owner: string, parent: string, name: string): FileRow | undefined {
    return this.#db
      .prepare("SELECT * FROM files WHERE owner = ? AND parent = ? AND name = ?")
      .get(owner, parent, name) as FileRow | undefined;
  }

  /** Folders first, then files, each by name; `more` when another page follows. */
  list(owner: string, parent: string, offset: number, count: number): { rows: FileRow[]; more: boolean } {
    const rows = this.#db
      .prepare("SELECT * FROM files WHERE owner = ? AND parent = ? ORDER BY type DESC, name LIMIT ? OFFSET ?")
      .all(owner, parent, count + 1, offset) as unknown as FileRow[];
    return { rows: rows.slice(0, count), more: rows.length > count };
  }

  /** The name to use in `parent`: `name` itself, or with a time stamp when mode 2 allows it. */
  freeName(owner: string, parent: string, name: string, mode: RenameMode): string {
    if (!this.childNamed(owner, parent, name)) return name;
    if (mode === 3) throw nameTaken(name);
    const dot = name.lastIndexOf(".");
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    const stamp = new Date(this.#now()).toISOString().replace(/[-:T]/g, "").slice(0, 14);
    for (let n = 1; ; n++) {
      const candidate = `${stem}_${stamp}${n > 1 ? `_${n}` : ""}${extension}`;
      if (!this.childNamed(owner, parent, candidate)) return candidate;
    }
  }

  #insert(row: Omit<FileRow, "ctime" | "mtime" | "version">): FileRow {
    const t = this.#now();
    const full: FileRow = { ...row, version: 1, ctime: t, mtime: t };
    this.#db
      .prepare(
        "INSERT INTO files (owner, id, parent, name, type, size, sha256, version, ctime, mtime) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(full.owner, full.id, full.parent, full.name, full.type, full.size, full.sha256, 1, t, t);
    this.#touch(full.owner, full.parent);
    return full;
  }

  #touch(owner: string, id: string): void {
    this.#db.prepare("UPDATE files SET mtime = ? WHERE owner = ? AND id = ?").run(this.#now(), owner, id);
  }

  createFolder(owner: string, parent: string, name: string, mode: RenameMode): FileRow {
    validateName("fileName", name);
    return inTransaction(this.#db, () => {
      this.requireFolder(owner, parent, "parentFolder");
      const free = this.freeName(owner, parent, name, mode);
      return this.#insert({
        owner,
        id: newFileId(),
        parent,
        name: free,
        type: "folder",
        size: 0,
        sha256: "",
      });
    });
  }

  addFile(
    owner: string,
    id: string,
    parent: string,
    name: string,
    mode: RenameMode,
    size: number,
    sha256: string,
  ) {
    return inTransaction(this.#db, () => {
      this.requireFolder(owner, parent, "parentFolder");
      const free = this.freeName(owner, parent, name, mode);
      return this.#insert({ owner, id, parent, name: free, type: "file", size, sha256 });
    });
  }

  /** A new version of a file; returns the row and the content it replaced. */
  addVersion(owner: string, id: string, size: number, sha256: string): { row: FileRow; replaced: string } {
    return inTransaction(this.#db, () => {
      const row = this.require(owner, id, "fileId");
      if (row.type !== "file") throw new KooError(CODES.notForFolders, 400, `fileId: "${id}" is a folder`);
      const t = this.#now();
      this.#db
        .prepare(
          "UPDATE files SET size = ?, sha256 = ?, version = version + 1, mtime = ? WHERE owner = ? AND id = ?",
        )
        .run(size, sha256, t, owner, id);
      this.#touch(owner, row.parent);
      return { row: { ...row, size, sha256, version: row.version + 1, mtime: t }, replaced: row.sha256 };
    });
  }

  rename(owner: string, id: string, newName: string, mode: RenameMode): FileRow {
    validateName("name", newName);
    if (id === ROOT_ID) throw badParameter("fileId", "the root folder cannot be renamed");
    return inTransaction(this.#db, () => {
      const row = this.require(owner, id, "fileId");
      if (row.name === newName) return row;
      const free = this.freeName(owner, row.parent, newName, mode);
      const t = this.#now();
      this.#db
        .prepare("UPDATE files SET name = ?, mtime = ? WHERE owner = ? AND id = ?")
        .run(free, t, owner, id);
      return { ...row, name: free, mtime: t };
    });
  }

  /** True when `folder` is `ancestor` or lies below it. */
  isWithin(owner: string, folder: string, ancestor: string): boolean {
    let current: string | undefined = folder;
    while (current !== undefined && current !== "") {
      if (current === ancestor) return true;
      current = this.get(owner, current)?.parent;
    }
    return false;
  }

  /** Moves one item; throws the per-item error when it cannot. */
  move(owner: string, id: string, target: string): void {
    inTransaction(this.#db, () => {
      const row = this.require(owner, id, "fileId");
      this.requireFolder(owner, target, "newFilePath");
      if (row.parent === target) {
        throw new KooError(CODES.alreadyThere, 400, `"${row.name}" is already in the target folder`);
      }
      if (row.type === "folder" && this.isWithin(owner, target, id)) {
        throw new KooError(CODES.nestedFolders, 400, `"${row.name}" cannot move into itself or below itself`);
      }
      if (this.childNamed(owner, target, row.name)) throw nameTaken(row.name);
      this.#db.prepare("UPDATE files SET parent = ? WHERE owner = ? AND id = ?").run(target, owner, id);
      this.#touch(owner, row.parent);
      this.#touch(owner, target);
    });
  }

  /** Copies one item (a folder with its content) into `target`. */
  copy(owner: string, id: string, target: string): void {
    inTransaction(this.#db, () => {
      const row = this.require(owner, id, "fileId");
      this.requireFolder(owner, target, "newFilePath");
      if (row.type === "folder" && this.isWithin(owner, target, id)) {
        throw new KooError(CODES.nestedFolders, 400, `"${row.name}" cannot be copied into itself`);
      }
      if (this.childNamed(owner, target, row.name)) throw nameTaken(row.name);
      const copyInto = (source: FileRow, parent: string) => {
        const copied = this.#insert({ ...source, id: newFileId(), parent });
        if (source.type !== "folder") return;
        const children = this.#db
          .prepare("SELECT * FROM files WHERE owner = ? AND parent = ?")
          .all(owner, source.id) as unknown as FileRow[];
        for (const child of children) copyInto(child, copied.id);
      };
      copyInto(row, target);
    });
  }

  /** Removes a file, or a folder with its content; returns the content hashes removed. */
  remove(owner: string, id: string): string[] {
    if (id === ROOT_ID) throw badParameter("fileId", "the root folder cannot be deleted");
    return inTransaction(this.#db, () => {
      const row = this.require(owner, id, "fileId");
      const doomed = this.descendants(owner, id);
      const remove = this.#db.prepare("DELETE FROM files WHERE owner = ? AND id = ?");
      for (const item of doomed) remove.run(owner, item.id);
      this.#touch(owner, row.parent);
      return doomed.filter((item) => item.type === "file").map((item) => item.sha256);
    });
  }

  /** `id` and everything below it, parents before children. */
  descendants(owner: string, id: string): FileRow[] {
    return this.#db
      .prepare(
        `WITH RECURSIVE tree(id, depth) AS (SELECT ?, 0 UNION ALL SELECT f.id, tree.depth + 1 FROM files f JOIN tree ON f.owner = ? AND f.parent = tree.id)
         SELECT f.* FROM files f JOIN tree ON f.owner = ? AND f.id = tree.id ORDER BY tree.depth, f.name`,
      )
      .all(id, owner, owner) as unknown as FileRow[];
  }

  isContentUsed(sha256: string): boolean {
    return (
      this.#db.prepare("SELECT 1 FROM files WHERE sha256 = ? AND type = 'file' LIMIT 1").get(sha256) !==
      undefined
    );
  }
}
