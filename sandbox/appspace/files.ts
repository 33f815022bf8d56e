/** The folder tree of the application space (section 1.4 of the contract). */
import { randomBytes } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { inTransaction } from "./database.ts";
import { badArgument, conflict, notFound } from "./errors.ts";

export const ROOT_TOKEN = "0";

export interface FileRow {
  token: string;
  parent: string;
  name: string;
  type: "file" | "folder";
  size: number;
  md5: string;
  version: number;
  ctime: number;
  mtime: number;
}

export interface FileObject {
  file_token: string;
  name: string;
  type: "file" | "folder";
  parent_token: string;
  size: number;
  md5: string;
  version: number;
  ctime: number;
  mtime: number;
}

export function toFileObject(row: FileRow): FileObject {
  return {
    file_token: row.token,
    name: row.name,
    type: row.type,
    parent_token: row.parent,
    size: row.size,
    md5: row.md5,
    version: row.version,
    ctime: row.ctime,
    mtime: row.mtime,
  };
}

export function newToken(): string {
  return randomBytes(16).toString("base64url");
}

/** Throws 40001 naming `field` when `name` cannot be a file or folder name. */
export function validateName(field: string, name: string): void {
  if (name.length === 0) throw badArgument(field, "must not be empty");
  if (name.length > 255) throw badArgument(field, "is longer than 255 characters");
  if (name === "." || name === "..") throw badArgument(field, `"${name}" is not a valid name`);
  if (/[/\\]/.test(name)) throw badArgument(field, "must not contain / or \\");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw badArgument(field, "must not contain control characters");
}

export class FileTree {
  private readonly db: DatabaseSync;
  private readonly nowSeconds: () => number;

  constructor(db: DatabaseSync, now: () => number) {
    this.db = db;
    this.nowSeconds = () => Math.floor(now() / 1000);
    const t = this.nowSeconds();
    db.prepare(
      "INSERT OR IGNORE INTO files (token, parent, name, type, ctime, mtime) VALUES ('0', '', '', 'folder', ?, ?)",
    ).run(t, t);
  }

  get(token: string): FileRow | undefined {
    return this.db.prepare("SELECT * FROM files WHERE token = ?").get(token) as FileRow | undefined;
  }

  /** 40004 when `token` (given as `field`) names nothing. */
  require(token: string, field: string): FileRow {
    const row = this.get(token);
    if (!row) throw notFound(`${field}: no file or folder "${token}"`);
    return row;
  }

  requireFolder(token: string, field: string): FileRow {
    const row = this.get(token);
    if (!row) throw notFound(`${field}: no folder "${token}"`);
    if (row.type !== "folder") throw badArgument(field, `"${token}" is a file, not a folder`);
    return row;
  }

  childNamed(parent: string, name: string): FileRow | undefined {
    return this.db.prepare("SELECT * FROM files WHERE parent = ? AND name = ?").get(parent, name) as
      FileRow | undefined;
  }

  /** Folders first, then files, each by name. */
  list(parent: string, offset: number, count: number): { files: FileObject[]; next_offset: number } {
    const rows = this.db
      .prepare("SELECT * FROM files WHERE parent = ? ORDER BY type DESC, name LIMIT ? OFFSET ?")
      .all(parent, count + 1, offset) as unknown as FileRow[];
    const more = rows.length > count;
    return { files: rows.slice(0, count).map(toFileObject), next_offset: more ? offset + count : -1 };
  }

  private assertNameFree(parent: string, name: string): void {
    if (this.childNamed(parent, name)) throw conflict(`the name "${name}" is already taken in this folder`);
  }

  private insert(parent: string, name: string, type: "file" | "folder", size: number, md5: string): FileRow {
    const t = this.nowSeconds();
    const row: FileRow = { token: newToken(), parent, name, type, size, md5, version: 1, ctime: t, mtime: t };
    this.db
      .prepare(
        "INSERT INTO files (token, parent, name, type, size, md5, version, ctime, mtime) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(row.token, parent, name, type, size, md5, row.version, t, t);
    this.touch(parent);
    return row;
  }

  private touch(token: string): void {
    this.db.prepare("UPDATE files SET mtime = ? WHERE token = ?").run(this.nowSeconds(), token);
  }

  createFolder(parent: string, name: string): FileRow {
    validateName("name", name);
    return inTransaction(this.db, () => {
      this.requireFolder(parent, "parent_token");
      this.assertNameFree(parent, name);
      return this.insert(parent, name, "folder", 0, "");
    });
  }

  /** The folder at `segments` below `from`, creating what is missing; a file in the way is a conflict. */
  ensurePath(from: string, segments: readonly string[]): string {
    segments.forEach((segment) => validateName("parent_path", segment));
    return inTransaction(this.db, () => {
      let current = this.requireFolder(from, "parent_token").token;
      for (const segment of segments) {
        const existing = this.childNamed(current, segment);
        if (existing && existing.type !== "folder") {
          throw conflict(`parent_path: "${segment}" is a file, not a folder`);
        }
        current = existing ? existing.token : this.insert(current, segment, "folder", 0, "").token;
      }
      return current;
    });
  }

  /** The folder at `segments` below `from`, or undefined when some part of it does not exist yet. */
  findPath(from: string, segments: readonly string[]): string | undefined {
    let current: string | undefined = from;
    for (const segment of segments) {
      if (current === undefined) return undefined;
      const child = this.childNamed(current, segment);
      current = child?.type === "folder" ? child.token : undefined;
    }
    return current;
  }

  addFile(parent: string, name: string, size: number, md5: string): FileRow {
    validateName("file", name);
    return inTransaction(this.db, () => {
      this.requireFolder(parent, "parent_token");
      this.assertNameFree(parent, name);
      return this.insert(parent, name, "file", size, md5);
    });
  }

  /** Returns the new row and the md5 of the content it replaced. */
  addVersion(token: string, size: number, md5: string): { row: FileRow; replacedMd5: string } {
    return inTransaction(this.db, () => {
      const row = this.require(token, "file_token");
      if (row.type !== "file") throw badArgument("file_token", `"${token}" is a folder, not a file`);
      const t = this.nowSeconds();
      this.db
        .prepare("UPDATE files SET size = ?, md5 = ?, version = version + 1, mtime = ? WHERE token = ?")
        .run(size, md5, t, token);
      this.touch(row.parent);
      return { row: { ...row, size, md5, version: row.version + 1, mtime: t }, replacedMd5: row.md5 };
    });
  }

  rename(token: string, newName: string): FileRow {
    validateName("new_name", newName);
    if (token === ROOT_TOKEN) throw badArgument("file_token", "the root folder cannot be renamed");
    return inTransaction(this.db, () => {
      const row = this.require(token, "file_token");
      if (row.name === newName) return row;
      this.assertNameFree(row.parent, newName);
      const t = this.nowSeconds();
      this.db.prepare("UPDATE files SET name = ?, mtime = ? WHERE token = ?").run(newName, t, token);
      return { ...row, name: newName, mtime: t };
    });
  }

  /** Removes the file or the folder with its content; returns the md5s of the files removed. */
  destroy(token: string): string[] {
    if (token === ROOT_TOKEN) throw badArgument("file_token", "the root folder cannot be destroyed");
    return inTransaction(this.db, () => {
      const row = this.require(token, "file_token");
      const doomed = this.db
        .prepare(
          `WITH RECURSIVE tree(token) AS (SELECT ? UNION ALL SELECT f.token FROM files f JOIN tree ON f.parent = tree.token)
           SELECT f.token, f.md5, f.type FROM files f JOIN tree ON f.token = tree.token`,
        )
        .all(token) as { token: string; md5: string; type: string }[];
      const remove = this.db.prepare("DELETE FROM files WHERE token = ?");
      for (const item of doomed) remove.run(item.token);
      this.touch(row.parent);
      return doomed.filter((item) => item.type === "file").map((item) => item.md5);
    });
  }

  /** True when `folder` is `ancestor` or lies below it. */
  isWithin(folder: string, ancestor: string): boolean {
    let current: string | undefined = folder;
    while (current !== undefined && current !== "") {
      if (current === ancestor) return true;
      current = this.get(current)?.parent;
    }
    return false;
  }

  /** Moves one item; throws the per-item error (40004, 40009) when it cannot. */
  move(token: string, target: string): void {
    inTransaction(this.db, () => {
      const row = this.require(token, "file_token");
      this.requireFolder(target, "parent_token");
      if (row.parent === target) return;
      if (row.type === "folder" && this.isWithin(target, token)) {
        throw conflict(`"${row.name}" is a folder and cannot move into itself or below itself`);
      }
      this.assertNameFree(target, row.name);
      this.db.prepare("UPDATE files SET parent = ? WHERE token = ?").run(target, token);
      this.touch(row.parent);
      this.touch(target);
    });
  }

  isBlobUsed(md5: string): boolean {
    return (
      this.db.prepare("SELECT 1 FROM files WHERE md5 = ? AND type = 'file' LIMIT 1").get(md5) !== undefined
    );
  }
}
