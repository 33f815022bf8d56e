/**
 * Reconciles a pair's folder with the journal one folder at a time, so memory follows the changes,
 * not the size of the pair. An unchanged file costs one comparison and is forgotten with its
 * folder; a new file is hashed and indexed in the journal (no cloud copy yet) with its folder, and
 * its upload is streamed from there later. What comes back is only what the planner must decide on:
 * changed files, files that may have moved (same inode as a vanished one, or same size and MD5), and
 * known files that vanished (deleted, moved, now ignored).
 */
import type { FileRecord, Journal } from "../journal/index.ts";
import type { IgnoreMatcher } from "./ignore-rules.ts";
import { parentOf } from "./plan.ts";
import {
  emptyScan,
  reasonOf,
  sameFile,
  sameId,
  sameStat,
  statVouches,
  statPath,
  walkFolders,
  type FileId,
  type LocalFile,
  type ScanResult,
} from "./scan.ts";

export interface Reconciled {
  /** Files whose stat matches the journal and whose cloud copy is current. */
  unchanged: number;
  /** New files indexed in the journal during the walk, waiting for their upload there. */
  indexed: number;
  /** `files`: only the local files that need a decision; `folders`: every local folder; every issue. */
  scan: ScanResult;
  /** Only the journal's records that need a decision. */
  known: Map<string, FileRecord>;
}

export interface ReconcileOptions {
  /** MD5 of a relative path's content. */
  hash(path: string, size: number): Promise<string>;
}

const isAtOrBelow = (path: string, folder: string): boolean =>
  folder === "" || path === folder || path.startsWith(folder + "/");

const isCurrent = (record: FileRecord | undefined, local: LocalFile): boolean =>
  record !== undefined && record.remoteId !== null && record.md5 !== null && statVouches(record, local);

/** A full reconcile of `root` against the journal's records of `pairId`. */
export async function reconcileFolder(
  root: string,
  ignored: IgnoreMatcher,
  journal: Journal,
  pairId: string,
  options: ReconcileOptions,
): Promise<Reconciled> {
  const scan = emptyScan();
  const known = new Map<string, FileRecord>();
  const walked = new Set<string>();
  const unreadable: string[] = [];
  // With nothing synced yet there is nothing a new file could have moved from.
  const anySynced = journal.fileCount(pairId) > journal.unsyncedCount(pairId);
  let unchanged = 0;
  let indexed = 0;

  // Folders are few: known by identity, a moved one is recognised wherever the walk meets it.
  const foldersByIno = new Map<number, { path: string; id: FileId }[]>();
  const folderAt = new Map<string, FileId>();
  for (const { path, ...id } of journal.folders(pairId)) {
    if (id.ino === 0) continue;
    foldersByIno.set(id.ino, [...(foldersByIno.get(id.ino) ?? []), { path, id }]);
    folderAt.set(path, id);
  }
  const folderMovedHere = (path: string, id: FileId): string | undefined =>
    (foldersByIno.get(id.ino) ?? []).find((f) => f.path !== path && sameId(f.id, id))?.path;

  /** A synced file that left another path, with this file's identity: moved (and maybe edited). */
  const movedFrom = (path: string, local: LocalFile): FileRecord | undefined => {
    if (!anySynced) return undefined;
    for (const record of journal.filesWithIno(pairId, local.ino)) {
      if (record.path === path || !record.remoteId || !sameFile(record, local)) continue;
      const there = statPath(root, record.path);
      if (there.kind === "file" && sameFile(there.file, local)) continue;
      return record;
    }
    return undefined;
  };

  for await (const folder of walkFolders(root, ignored)) {
    scan.issues.push(...folder.issues);
    if (!folder.readable) {
      unreadable.push(folder.path);
      continue;
    }
    walked.add(folder.path);
    if (folder.path !== "") {
      scan.folders.push(folder.path);
      scan.folderIds.set(folder.path, folder.id);
    }
    const prefix = folder.path === "" ? "" : folder.path + "/";
    const records = new Map<string, FileRecord>();
    for (const record of journal.filesIn(pairId, folder.path))
      records.set(record.path.slice(prefix.length), record);
    // A known folder that moved here: its files, known under its old path, are these files.
    const folderFrom = folderMovedHere(folder.path, folder.id);
    // Another folder than the journal's at this path (two folders swapped names): a file the journal
    // knows here, found here, moved between the two, and its cloud copy must follow.
    const knownHere = folderAt.get(folder.path);
    const otherFolder =
      folderFrom !== undefined || (knownHere !== undefined && !sameId(knownHere, folder.id));
    const before = new Map<string, FileRecord>();
    if (folderFrom !== undefined) {
      for (const record of journal.filesIn(pairId, folderFrom))
        before.set(record.path.slice(folderFrom.length + 1), record);
    }
    const toIndex: FileRecord[] = [];
    for (const [name, local] of folder.files) {
      const path = prefix + name;
      const record = records.get(name);
      records.delete(name);
      const earlier = record ? undefined : before.get(name);
      if (earlier) {
        // The planner follows it with its folder (and sees an edit made meanwhile).
        scan.files.set(path, local);
        known.set(earlier.path, earlier);
        continue;
      }
      if (isCurrent(record, local) && !otherFolder) {
        unchanged += 1;
        continue;
      }
      if (record?.remoteId) {
        // Synced before and changed since: the planner hashes it and decides (another file may
        // have taken this path: the one that was here may have moved).
        scan.files.set(path, local);
        known.set(path, record);
        if (!sameFile(record, local)) {
          const from = movedFrom(path, local);
          if (from) known.set(from.path, from);
        }
        continue;
      }
      if (record && record.md5 !== null && statVouches(record, local)) continue; // indexed, not uploaded yet
      const from = movedFrom(path, local);
      if (from) {
        scan.files.set(path, local);
        known.set(from.path, from);
        if (record) known.set(path, record);
        continue;
      }
      try {
        const md5 = await options.hash(path, local.size);
        toIndex.push({ path, ...local, md5, remoteId: null, remoteVersion: null });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT")
          scan.issues.push({ path, reason: reasonOf(error) });
      }
    }
    if (toIndex.length > 0) {
      journal.transaction(() => {
        for (const record of toIndex) journal.putFile(pairId, record);
      });
      indexed += toIndex.length;
    }
    // Vanished here (deleted, moved, now ignored or unreadable): the planner tells which.
    for (const record of records.values()) known.set(record.path, record);
  }
  // Known files in folders the walk never entered: gone or ignored now. Below a folder that cannot
  // be read nothing is known to be gone, so nothing there is planned.
  for (const folder of journal.fileFolders(pairId)) {
    if (walked.has(folder) || unreadable.some((u) => isAtOrBelow(folder, u))) continue;
    for (const record of journal.filesIn(pairId, folder)) known.set(record.path, record);
  }
  addCopiedFiles(root, journal, pairId, scan, known);
  return { unchanged, indexed, scan, known };
}

/**
 * A tool that copies then deletes leaves a new inode: a new file with a vanished file's size and MD5
 * is that file moved. Only read when something synced vanished.
 */
function addCopiedFiles(
  root: string,
  journal: Journal,
  pairId: string,
  scan: ScanResult,
  known: Map<string, FileRecord>,
): void {
  const vanished = new Set<string>();
  for (const record of known.values()) {
    if (record.remoteId && record.md5 !== null && !scan.files.has(record.path))
      vanished.add(`${record.size}:${record.md5}`);
  }
  if (vanished.size === 0) return;
  for (let after = "", page: FileRecord[]; ; after = page.at(-1)!.path) {
    page = journal.unsyncedFiles(pairId, after, 500);
    if (page.length === 0) return;
    for (const record of page) {
      if (!vanished.has(`${record.size}:${record.md5}`) || scan.files.has(record.path)) continue;
      const there = statPath(root, record.path);
      if (there.kind !== "file" || !sameStat(there.file, record)) continue;
      scan.files.set(record.path, there.file);
      known.set(record.path, record);
    }
  }
}

/** The journal's records at or below the given paths (the scope of a pass on watcher hints). */
/**
 * A hinted path below a name the journal holds as a file means that file was replaced by a folder,
 * whatever the watcher said of the name itself (a quick rm and mkdir can reach it as no event at
 * all), so that name is looked at too: its file is deleted before the folder takes its name.
 */
export function widenToReplacedFiles(journal: Journal, pairId: string, paths: Set<string>): void {
  for (const path of [...paths]) {
    for (let p = parentOf(path); p !== ""; p = parentOf(p)) if (journal.file(pairId, p)) paths.add(p);
  }
}

export function knownInScope(
  journal: Journal,
  pairId: string,
  paths: Iterable<string>,
): Map<string, FileRecord> {
  const known = new Map<string, FileRecord>();
  for (const path of paths) {
    if (path === "") continue;
    const record = journal.file(pairId, path);
    if (record) known.set(path, record);
    for (const below of journal.filesBelow(pairId, path)) known.set(below.path, below);
  }
  return known;
}
