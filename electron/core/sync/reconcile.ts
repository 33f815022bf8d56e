/**
 * Reconciles a pair's folder with the journal one folder at a time, so memory follows the changes,
 * not the size of the pair: an unchanged file costs one comparison and is forgotten with its folder.
 * What comes out is only what the planner must decide on: local files that are new, changed or not
 * uploaded yet, and known files that changed, vanished (possibly moved) or are not uploaded yet.
 */
import type { FileRecord, Journal } from "../journal/index.ts";
import type { IgnoreMatcher } from "./ignore-rules.ts";
import { sameStat, walkFolders, type ScanResult } from "./scan.ts";

export interface Reconciled {
  /** Files whose stat matches the journal and whose cloud copy is current. */
  unchanged: number;
  /** `files`: only the local files that need a decision; `folders`: every local folder; every issue. */
  scan: ScanResult;
  /** Only the journal's records that need a decision. */
  known: Map<string, FileRecord>;
}

const isAtOrBelow = (path: string, folder: string): boolean =>
  folder === "" || path === folder || path.startsWith(folder + "/");

const isCurrent = (record: FileRecord | undefined, local: { size: number; mtimeMs: number; ino: number }) =>
  record !== undefined && record.remoteId !== null && record.md5 !== null && sameStat(record, local);

/** A full reconcile of `root` against the journal's records of `pairId`. */
export async function reconcileFolder(
  root: string,
  ignored: IgnoreMatcher,
  journal: Journal,
  pairId: string,
): Promise<Reconciled> {
  const scan: ScanResult = { files: new Map(), folders: [], issues: [] };
  const known = new Map<string, FileRecord>();
  const walked = new Set<string>();
  const unreadable: string[] = [];
  let unchanged = 0;
  for await (const folder of walkFolders(root, ignored)) {
    scan.issues.push(...folder.issues);
    if (!folder.readable) {
      unreadable.push(folder.path);
      continue;
    }
    walked.add(folder.path);
    if (folder.path !== "") scan.folders.push(folder.path);
    const prefix = folder.path === "" ? "" : folder.path + "/";
    const records = new Map<string, FileRecord>();
    for (const record of journal.filesIn(pairId, folder.path))
      records.set(record.path.slice(prefix.length), record);
    for (const [name, local] of folder.files) {
      const record = records.get(name);
      records.delete(name);
      if (isCurrent(record, local)) {
        unchanged += 1;
        continue;
      }
      scan.files.set(prefix + name, local);
      if (record) known.set(record.path, record);
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
  return { unchanged, scan, known };
}

/** The journal's records at or below the given paths (the scope of a pass on watcher hints). */
export function knownInScope(journal: Journal, pairId: string, paths: Iterable<string>): Map<string, FileRecord> {
  const known = new Map<string, FileRecord>();
  for (const path of paths) {
    if (path === "") continue;
    const record = journal.file(pairId, path);
    if (record) known.set(path, record);
    for (const below of journal.filesBelow(pairId, path)) known.set(below.path, below);
  }
  return known;
}
