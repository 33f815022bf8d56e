/**
 * Turns a scan and the journal into operations. A file that vanished at one path and appeared at
 * another with the same inode (or the same size and MD5) is a move, never a new upload; a whole
 * folder that moved is one folder move.
 */
import type { FileRecord } from "../journal/index.ts";
import type { IgnoreMatcher } from "./ignore-rules.ts";
import { sameStat, type LocalFile, type ScanIssue, type ScanResult } from "./scan.ts";

export interface UploadItem {
  path: string;
  local: LocalFile;
  md5: string;
  /** A new version of this remote file instead of a new file. */
  replaceId?: string;
}

export interface FileMove {
  from: string;
  to: string;
  record: FileRecord;
  local: LocalFile;
}

export interface FolderMove {
  from: string;
  to: string;
}

export interface Plan {
  unchanged: number;
  /** Stat changed, content did not: only the journal is updated. */
  touched: { path: string; record: FileRecord; local: LocalFile }[];
  uploads: UploadItem[];
  moves: FileMove[];
  folderMoves: FolderMove[];
  /** Local folders with no remote folder yet, parents first. */
  newFolders: string[];
  /** Vanished files (not moved), outside any vanished folder below. */
  deletes: FileRecord[];
  /** Vanished folders (the top-most ones) with every file known below them. */
  deletedFolders: { path: string; files: FileRecord[] }[];
  /** Known paths that the ignore rules now exclude: forgotten, never deleted in the cloud. */
  forgotten: string[];
  issues: ScanIssue[];
}

export interface PlanInput {
  scan: ScanResult;
  /** Which known paths the scan covered (everything for a full scan). */
  inScope(path: string): boolean;
  known: ReadonlyMap<string, FileRecord>;
  knownFolders: ReadonlyMap<string, string>;
  ignored: IgnoreMatcher;
  hash(path: string, size: number): Promise<string>;
  /** Does this known path (outside the scope) still exist with the recorded stat? */
  stillThere(record: FileRecord): boolean;
  /**
   * Known files with this inode, wherever they are (a pass on hints looks up a moved file's old
   * path here). Defaults to searching `known`.
   */
  withIno?(ino: number): Iterable<FileRecord>;
}

const parentOf = (path: string): string => {
  const cut = path.lastIndexOf("/");
  return cut < 0 ? "" : path.slice(0, cut);
};
const isBelow = (path: string, folder: string): boolean => path.startsWith(folder + "/");

export async function planChanges(input: PlanInput): Promise<Plan> {
  const { scan, known, knownFolders } = input;
  const plan: Plan = {
    unchanged: 0,
    touched: [],
    uploads: [],
    moves: [],
    folderMoves: [],
    newFolders: [],
    deletes: [],
    deletedFolders: [],
    forgotten: [],
    issues: [...scan.issues],
  };
  const issuePaths = new Set(scan.issues.map((i) => i.path));
  const hashOrReport = async (path: string, size: number): Promise<string | undefined> => {
    try {
      return await input.hash(path, size);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") {
        plan.issues.push({ path, reason: reasonText(error) });
        issuePaths.add(path);
      }
      return undefined;
    }
  };

  // Vanished: known, in scope, not on disk (and not unreadable: a file we cannot read is not deleted).
  const vanished = new Map<string, FileRecord>();
  for (const [path, record] of known) {
    if (!input.inScope(path) || scan.files.has(path) || issuePaths.has(path)) continue;
    if (input.ignored(path, false)) plan.forgotten.push(path);
    else vanished.set(path, record);
  }
  const byIno = new Map<number, string[]>();
  for (const [path, record] of vanished) {
    const list = byIno.get(record.ino);
    if (list) list.push(path);
    else byIno.set(record.ino, [path]);
  }

  const appeared: { path: string; local: LocalFile; md5?: string }[] = [];
  for (const [path, local] of scan.files) {
    const record = known.get(path);
    if (!record?.remoteId) {
      // A file indexed but not uploaded yet keeps its hash while its stat holds.
      const md5 = record && record.md5 !== null && sameStat(record, local) ? record.md5 : undefined;
      appeared.push(md5 === undefined ? { path, local } : { path, local, md5 });
      continue;
    }
    if (sameStat(record, local) && record.md5 !== null) {
      plan.unchanged += 1;
      continue;
    }
    const md5 = await hashOrReport(path, local.size);
    if (md5 === undefined) continue;
    if (md5 === record.md5 && local.size === record.size) plan.touched.push({ path, record, local });
    else plan.uploads.push({ path, local, md5, replaceId: record.remoteId });
  }

  // Outside a full scan a moved file's old path may not be in scope: look it up by inode.
  const withIno =
    input.withIno ?? ((ino: number) => [...known.values()].filter((record) => record.ino === ino));
  const outOfScopeByIno = (local: LocalFile): FileRecord | undefined => {
    for (const record of withIno(local.ino)) {
      if (record.ino !== local.ino || record.size !== local.size || record.mtimeMs !== local.mtimeMs)
        continue;
      if (!record.remoteId || input.inScope(record.path) || scan.files.has(record.path)) continue;
      if (input.stillThere(record)) continue;
      return record;
    }
    return undefined;
  };

  const unmatched: typeof appeared = [];
  const movedAway = new Set<string>();
  for (const item of appeared) {
    const from = (byIno.get(item.local.ino) ?? []).find((p) => {
      const r = vanished.get(p);
      return r?.remoteId && r.size === item.local.size && r.mtimeMs === item.local.mtimeMs;
    });
    const record = from === undefined ? outOfScopeByIno(item.local) : vanished.get(from);
    if (record && !movedAway.has(record.path)) {
      movedAway.add(record.path);
      vanished.delete(record.path);
      plan.moves.push({ from: record.path, to: item.path, record, local: item.local });
      continue;
    }
    unmatched.push(item);
  }

  // Same size and MD5 as a vanished file: moved by a tool that copies then deletes.
  const vanishedBySize = new Map<number, FileRecord[]>();
  for (const record of vanished.values()) {
    if (!record.remoteId || record.md5 === null) continue;
    const list = vanishedBySize.get(record.size);
    if (list) list.push(record);
    else vanishedBySize.set(record.size, [record]);
  }
  for (const item of unmatched) {
    const md5 = item.md5 ?? (await hashOrReport(item.path, item.local.size));
    if (md5 === undefined) continue;
    const candidates = vanishedBySize.get(item.local.size);
    const index = candidates?.findIndex((r) => r.md5 === md5 && vanished.has(r.path)) ?? -1;
    if (candidates && index >= 0) {
      const record = candidates[index]!;
      candidates.splice(index, 1);
      vanished.delete(record.path);
      plan.moves.push({ from: record.path, to: item.path, record, local: item.local });
      continue;
    }
    plan.uploads.push({ path: item.path, local: item.local, md5 });
  }

  // Whole folders that moved: every known file below a vanished folder moved to one new folder.
  const localFolders = new Set(scan.folders);
  // A folder that could not be read is there, whatever the scan saw of it.
  const unreadable = (folder: string): boolean => {
    for (let p = folder; p !== ""; p = parentOf(p)) if (issuePaths.has(p)) return true;
    return issuePaths.has(".");
  };
  const vanishedFolders = [...knownFolders.keys()]
    .filter((f) => input.inScope(f) && !localFolders.has(f) && !input.ignored(f, true) && !unreadable(f))
    .sort((a, b) => a.length - b.length);
  const movedFolderTargets = new Set<string>();
  const handled = new Set<string>();
  for (const folder of vanishedFolders) {
    if ([...handled].some((h) => isBelow(folder, h))) continue;
    const filesBelow = [...known.values()].filter((r) => isBelow(r.path, folder));
    const moves = plan.moves.filter((m) => isBelow(m.from, folder));
    if (filesBelow.length > 0 && moves.length === filesBelow.length) {
      const suffix = moves[0]!.from.slice(folder.length);
      const target = moves[0]!.to.endsWith(suffix) ? moves[0]!.to.slice(0, -suffix.length) : undefined;
      const consistent =
        target !== undefined &&
        target !== "" &&
        !knownFolders.has(target) &&
        localFolders.has(target) &&
        moves.every((m) => m.to === target + m.from.slice(folder.length));
      if (consistent) {
        plan.folderMoves.push({ from: folder, to: target });
        plan.moves = plan.moves.filter((m) => !isBelow(m.from, folder));
        movedFolderTargets.add(target);
        handled.add(folder);
        continue;
      }
    }
    // Gone with whatever was left in it (moves out of it run before deletes).
    const vanishedBelow = [...vanished.values()].filter((r) => isBelow(r.path, folder));
    plan.deletedFolders.push({ path: folder, files: vanishedBelow });
    for (const r of vanishedBelow) vanished.delete(r.path);
    handled.add(folder);
  }
  plan.deletes = [...vanished.values()].filter((r) => r.remoteId);
  for (const r of vanished.values()) if (!r.remoteId) plan.forgotten.push(r.path);

  plan.newFolders = scan.folders.filter(
    (f) =>
      !knownFolders.has(f) &&
      !movedFolderTargets.has(f) &&
      ![...movedFolderTargets].some((t) => isBelow(f, t)),
  );
  return plan;
}

export { parentOf };

function reasonText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "cannot read: permission denied";
  return error instanceof Error ? error.message : String(error);
}
