/**
 * Walks a pair's folder with `lstat` alone (no reads): the journal decides what needs hashing.
 * Symlinks are never followed; an unreadable folder or a special file is reported, not fatal.
 * The walk yields to the event loop between folders so a 100,000-file scan never freezes the app.
 */
import { lstatSync, readdirSync, type Dirent, type Stats } from "node:fs";
import { join, sep } from "node:path";
import { failureWords } from "../ipc-error.ts";
import { say, type Words } from "../words.ts";
import type { IgnoreMatcher } from "./ignore-rules.ts";

/** What a local file or folder is, whatever its path: its device and inode (Windows: volume and file index). */
export interface FileId {
  dev: number;
  ino: number;
  /** Birth time, where the system tells it (else 0): tells a reused inode from the one it was. */
  btimeMs: number;
}

export interface LocalFile extends FileId {
  size: number;
  mtimeMs: number;
}

export interface ScanIssue {
  path: string;
  reason: Words;
}

export interface ScanResult {
  files: Map<string, LocalFile>;
  /** Every folder below the root (relative paths), parents before children. */
  folders: string[];
  /** Each of those folders' identity. */
  folderIds: Map<string, FileId>;
  issues: ScanIssue[];
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const toRelative = (path: string): string => (sep === "/" ? path : path.split(sep).join("/"));
export const toNative = (path: string): string => (sep === "/" ? path : path.split("/").join(sep));

/** Why a local file or folder could not be read. */
export const reasonOf = (error: unknown): Words => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return say("core.reason.cannotRead");
  if (code === "EBUSY") return say("core.reason.locked");
  return failureWords(error);
};

export function describeSpecial(stats: Stats | Dirent): Words | undefined {
  if (stats.isFIFO()) return say("core.reason.namedPipe");
  if (stats.isSocket()) return say("core.reason.socket");
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return say("core.reason.device");
  return undefined;
}

/** One folder of a walk: its files (by name) and the problems met in it. */
export interface WalkedFolder {
  /** Relative path, "" for the root. */
  path: string;
  /** False when the folder could not be read (its issue says why). */
  readable: boolean;
  /** The folder's own identity (dev and ino 0 when it could not be read). */
  id: FileId;
  files: Map<string, LocalFile>;
  issues: ScanIssue[];
}

/**
 * Walks `root`, or only `below` (relative folder paths, each walked recursively) when given, one
 * folder at a time, parents before children. Ignored entries and symlinks are left out silently; a
 * folder that cannot be read is an issue, and a folder that vanished is skipped.
 */
export async function* walkFolders(
  root: string,
  ignored: IgnoreMatcher,
  below?: string[],
): AsyncGenerator<WalkedFolder> {
  const stack = below ? [...below].reverse() : [""];
  let sinceYield = 0;
  while (stack.length > 0) {
    const folder = stack.pop()!;
    const absolute = folder === "" ? root : join(root, toNative(folder));
    let entries: Dirent[];
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") continue;
      yield {
        path: folder,
        readable: false,
        id: { dev: 0, ino: 0, btimeMs: 0 },
        files: new Map(),
        issues: [{ path: folder || ".", reason: reasonOf(error) }],
      };
      continue;
    }
    let id: FileId = { dev: 0, ino: 0, btimeMs: 0 };
    try {
      id = idOf(lstatSync(absolute));
    } catch {
      // Gone between the listing and here: the next pass sees it.
    }
    const walked: WalkedFolder = { path: folder, readable: true, id, files: new Map(), issues: [] };
    const children: string[] = [];
    for (const entry of entries) {
      if (entry.isSymbolicLink()) continue;
      const path = folder === "" ? entry.name : `${folder}/${entry.name}`;
      const isDirectory = entry.isDirectory();
      if (ignored(path, isDirectory)) continue;
      if (isDirectory) {
        children.push(path);
        continue;
      }
      const special = describeSpecial(entry);
      if (special) {
        walked.issues.push({ path, reason: special });
        continue;
      }
      try {
        const stats = lstatSync(join(absolute, entry.name));
        if (stats.isFile()) walked.files.set(entry.name, localFileOf(stats));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT")
          walked.issues.push({ path, reason: reasonOf(error) });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    yield walked;
    sinceYield += entries.length + 1;
    if (sinceYield >= 500) {
      sinceYield = 0;
      await yieldToLoop();
    }
  }
}

/** A walk gathered whole: for small scopes (a hinted folder), never for a whole pair. */
export async function scanFolder(
  root: string,
  ignored: IgnoreMatcher,
  below?: string[],
): Promise<ScanResult> {
  const result = emptyScan();
  for await (const folder of walkFolders(root, ignored, below)) {
    if (folder.path !== "" && folder.readable) {
      result.folders.push(folder.path);
      result.folderIds.set(folder.path, folder.id);
    }
    const prefix = folder.path === "" ? "" : folder.path + "/";
    for (const [name, file] of folder.files) result.files.set(prefix + name, file);
    result.issues.push(...folder.issues);
  }
  return result;
}

/** `lstat` of one relative path: a file, a folder, or nothing (gone, ignored, a symlink). */
export function statPath(
  root: string,
  path: string,
):
  | { kind: "file"; file: LocalFile }
  | { kind: "folder"; id: FileId }
  | { kind: "special"; reason: Words }
  | { kind: "none" } {
  try {
    const stats = lstatSync(join(root, toNative(path)));
    if (stats.isDirectory()) return { kind: "folder", id: idOf(stats) };
    if (stats.isFile()) return { kind: "file", file: localFileOf(stats) };
    if (stats.isSymbolicLink()) return { kind: "none" };
    return { kind: "special", reason: describeSpecial(stats) ?? say("core.reason.special") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "none" };
    return { kind: "special", reason: reasonOf(error) };
  }
}

export const idOf = (stats: Stats): FileId => ({
  dev: stats.dev,
  ino: stats.ino,
  btimeMs: stats.birthtimeMs,
});

export const localFileOf = (stats: Stats): LocalFile => ({
  size: stats.size,
  mtimeMs: stats.mtimeMs,
  ...idOf(stats),
});

export const emptyScan = (): ScanResult => ({
  files: new Map(),
  folders: [],
  folderIds: new Map(),
  issues: [],
});

/** The same inode number on the same device (a device recorded as 0 is not known yet and matches any). */
export const sameInode = (a: FileId, b: FileId): boolean =>
  a.ino === b.ino && (a.dev === 0 || b.dev === 0 || a.dev === b.dev);

/** The same file or folder: the same inode, and not one that was freed and given out again. */
export const sameId = (a: FileId, b: FileId): boolean =>
  sameInode(a, b) && (a.btimeMs === 0 || b.btimeMs === 0 || a.btimeMs === b.btimeMs);

/**
 * The same file: the same identity, or (where the system gives no birth time, or a made-up one) the
 * same inode with its size and modification time untouched.
 */
export const sameFile = (a: LocalFile, b: LocalFile): boolean =>
  sameId(a, b) || (sameInode(a, b) && a.size === b.size && a.mtimeMs === b.mtimeMs);

export const sameStat = (a: LocalFile, b: LocalFile): boolean =>
  a.size === b.size && a.mtimeMs === b.mtimeMs && sameId(a, b);

/** A record's hash still stands for the file without reading it: the same stat, and a record not racy. */
export const statVouches = (record: LocalFile & { racy?: boolean }, local: LocalFile): boolean =>
  !record.racy && sameStat(record, local);
