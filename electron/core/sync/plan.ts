/**
 * Turns the journal (the base: each file and folder as last synced), the local side (a scan) and
 * the remote side into what a pass must do. Files and folders are followed by identity, not by
 * path: a local file by its device and inode, a folder likewise, a cloud item by its id. So a
 * rename, a move, a swap or a cycle is recognised whatever temporary names it went through; a path
 * whose kind changed (file ↔ folder) is a delete and a create. A file copied then deleted by a tool
 * (new inode) is taken for a move only when its content is unique on both sides and not empty.
 *
 * The remote side is a slot: an upload-only pair fills it with "unchanged" (the cloud holds what the
 * journal says), so a pair that also takes cloud changes adds its remote listing here.
 */
import type { FileRecord } from "../journal/index.ts";
import type { IgnoreMatcher } from "./ignore-rules.ts";
import {
  reasonOf,
  sameFile,
  sameId,
  sameStat,
  statVouches,
  type FileId,
  type LocalFile,
  type ScanIssue,
  type ScanResult,
} from "./scan.ts";

export interface UploadItem {
  path: string;
  local: LocalFile;
  md5: string;
  /** A new version of this remote file instead of a new file. */
  replaceId?: string;
}

/** A known folder: its cloud id and the identity of the local folder it mirrors. */
export interface KnownFolder extends FileId {
  remoteId: string;
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
  remoteId: string;
  id: FileId;
}

export interface Plan {
  unchanged: number;
  /** Stat (or identity) changed, content did not: only the journal is updated. */
  touched: { path: string; record: FileRecord; local: LocalFile }[];
  /** New versions of known cloud files (a moved file's version goes after its move). */
  uploads: UploadItem[];
  /** New local files, to wait in the journal for their first upload. */
  creates: { path: string; local: LocalFile; md5: string }[];
  moves: FileMove[];
  /** Top-most folder moves only: a folder's move carries what is in it. */
  folderMoves: FolderMove[];
  /** Local folders with no remote folder yet, parents first, with their identity. */
  newFolders: { path: string; id: FileId }[];
  /** Where each known folder that stays is at the end of the pass: its final path → its cloud id. */
  finalFolders: Map<string, string>;
  /** Known folders whose identity is now recorded (they were known by path only). */
  folderIds: { path: string; id: FileId }[];
  /** Vanished files (not moved), outside any vanished folder below. */
  deletes: FileRecord[];
  /** Vanished folders (the top-most ones) with every file known below them. */
  deletedFolders: { path: string; remoteId: string; files: FileRecord[] }[];
  /** Known paths that the ignore rules now exclude, or never uploaded: forgotten, never deleted in the cloud. */
  forgotten: string[];
  /** Known folders now excluded by the ignore rules: forgotten with what is below them. */
  forgottenFolders: string[];
  issues: ScanIssue[];
}

/** What the cloud did to a known item since the base. An upload-only pair's cloud never changes. */
export interface RemoteSide {
  changed(record: FileRecord): undefined;
}

export const unchangedRemote: RemoteSide = { changed: () => undefined };

export interface PlanInput {
  scan: ScanResult;
  /** Which known paths the scan covered (everything for a full scan). */
  inScope(path: string): boolean;
  /** Known files that need a decision (changed, vanished, or candidates for a move). */
  known: ReadonlyMap<string, FileRecord>;
  /** Every known folder, by path. */
  knownFolders: ReadonlyMap<string, KnownFolder>;
  ignored: IgnoreMatcher;
  hash(path: string, size: number): Promise<string>;
  /** Does this known path (outside the scope) still hold the recorded file? */
  stillThere(record: FileRecord): boolean;
  /** Does this known folder path (outside the scope) still hold the folder with this identity? */
  folderStillThere(path: string, id: FileId): boolean;
  /** Known files with this inode, wherever they are (a pass on hints looks up a moved file's old path here). */
  withIno?(ino: number): Iterable<FileRecord>;
  remote?: RemoteSide;
}

export const parentOf = (path: string): string => {
  const cut = path.lastIndexOf("/");
  return cut < 0 ? "" : path.slice(0, cut);
};
const isBelow = (path: string, folder: string): boolean => path.startsWith(folder + "/");
const baseOf = (path: string): string => path.slice(path.lastIndexOf("/") + 1);
const join = (folder: string, name: string): string => (folder === "" ? name : `${folder}/${name}`);

export async function planChanges(input: PlanInput): Promise<Plan> {
  const { scan, known, knownFolders } = input;
  const plan: Plan = {
    unchanged: 0,
    touched: [],
    uploads: [],
    creates: [],
    moves: [],
    folderMoves: [],
    newFolders: [],
    finalFolders: new Map(),
    folderIds: [],
    deletes: [],
    deletedFolders: [],
    forgotten: [],
    forgottenFolders: [],
    issues: [...scan.issues],
  };
  const issuePaths = new Set(scan.issues.map((i) => i.path));
  const hashOrReport = async (path: string, size: number): Promise<string | undefined> => {
    try {
      return await input.hash(path, size);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") {
        plan.issues.push({ path, reason: reasonOf(error) });
        issuePaths.add(path);
      }
      return undefined;
    }
  };
  // A folder that could not be read is there, whatever the scan saw of it.
  const unreadable = (path: string): boolean => {
    for (let p = path; p !== ""; p = parentOf(p)) if (issuePaths.has(p)) return true;
    return issuePaths.has(".");
  };

  // Folders: where each known folder is now (its new path, or null when it is gone).
  const localFolders = new Set(scan.folders);
  const scannedByIno = new Map<number, string[]>();
  for (const [path, id] of scan.folderIds) {
    const list = scannedByIno.get(id.ino);
    if (list) list.push(path);
    else scannedByIno.set(id.ino, [path]);
  }
  const folderTo = new Map<string, string | null>();
  const claimed = new Set<string>();
  const byLength = [...knownFolders].sort(([a], [b]) => a.length - b.length);
  for (const [path, folder] of byLength) {
    if (folder.ino === 0) {
      // Known by path only (recorded before identities were): its path decides, once.
      if (localFolders.has(path)) {
        folderTo.set(path, path);
        claimed.add(path);
        plan.folderIds.push({ path, id: scan.folderIds.get(path)! });
      } else if (input.inScope(path) && !unreadable(path)) folderTo.set(path, null);
      continue;
    }
    const found = (scannedByIno.get(folder.ino) ?? []).filter((p) => sameId(scan.folderIds.get(p)!, folder));
    const at = found.length === 1 ? found[0]! : undefined;
    if (at !== undefined && (at === path || input.inScope(path) || !input.folderStillThere(path, folder))) {
      folderTo.set(path, at);
      claimed.add(at);
    } else if (input.inScope(path) && !unreadable(path)) folderTo.set(path, null);
  }
  /** Where a known path is now, by what happened to the nearest known folder above it. */
  const mapped = (path: string): string | null => {
    for (let folder = parentOf(path); folder !== ""; folder = parentOf(folder)) {
      const to = folderTo.get(folder);
      if (to === undefined) continue;
      if (to === null) return null;
      return to + path.slice(folder.length);
    }
    return path;
  };
  for (const [path] of byLength) {
    const to = folderTo.get(path);
    if (to === undefined) continue;
    if (to === null) {
      if (input.ignored(path, true)) {
        if (mapped(path) !== null) plan.forgottenFolders.push(path);
        continue;
      }
      if (mapped(path) === null) continue; // gone with a folder above it
      plan.deletedFolders.push({ path, remoteId: knownFolders.get(path)!.remoteId, files: [] });
      continue;
    }
    // A folder that stays where its parent's move takes it is carried by that move.
    if (mapped(path) === to) continue;
    const folder = knownFolders.get(path)!;
    plan.folderMoves.push({ from: path, to, remoteId: folder.remoteId, id: folder });
  }
  for (const [path, folder] of knownFolders) {
    const to = folderTo.get(path);
    const final = to === undefined ? mapped(path) : to;
    if (final !== null) plan.finalFolders.set(final, folder.remoteId);
  }
  for (const path of scan.folders) {
    if (!claimed.has(path)) plan.newFolders.push({ path, id: scan.folderIds.get(path)! });
  }

  // Files, first by identity: a synced file whose inode is found at exactly one other path moved there.
  const scannedFileByIno = new Map<number, string[]>();
  for (const [path, local] of scan.files) {
    const list = scannedFileByIno.get(local.ino);
    if (list) list.push(path);
    else scannedFileByIno.set(local.ino, [path]);
  }
  const records = new Map(known);
  // Outside a full scan a moved file's old path may not be in scope: look it up by inode.
  if (input.withIno) {
    for (const [path, local] of scan.files) {
      if (records.get(path)?.remoteId && sameFile(records.get(path)!, local)) continue;
      for (const record of input.withIno(local.ino)) {
        if (
          !records.has(record.path) &&
          record.remoteId &&
          sameFile(record, local) &&
          !input.stillThere(record)
        )
          records.set(record.path, record);
      }
    }
  }
  const recordAt = new Map<string, FileRecord>(); // scanned path → the known file now there
  const matched = new Set<string>(); // known paths accounted for
  for (const [path, record] of records) {
    if (!record.remoteId) continue;
    const at = (scannedFileByIno.get(record.ino) ?? []).filter((p) => sameFile(scan.files.get(p)!, record));
    if (at.length !== 1 || recordAt.has(at[0]!)) continue; // hard links: no identity to follow
    const to = at[0]!;
    if (to !== path && scan.files.has(path) && sameFile(scan.files.get(path)!, record)) continue;
    recordAt.set(to, record);
    matched.add(path);
  }
  // Then by place: what is at a known file's path (after its folder's move) is that file, edited.
  const indexedMd5 = new Map<string, string>();
  const indexedAt = new Set<string>(); // scanned paths the journal holds as new, not uploaded yet
  for (const [path, record] of records) {
    if (matched.has(path)) continue;
    const at = mapped(path);
    if (at === null || !scan.files.has(at) || recordAt.has(at)) continue;
    matched.add(path);
    if (!record.remoteId) {
      // Not uploaded yet: a new file like any other (its hash kept while its stat holds).
      indexedAt.add(at);
      if (record.md5 !== null && statVouches(record, scan.files.get(at)!)) indexedMd5.set(at, record.md5);
      if (at !== path) plan.forgotten.push(path);
      continue;
    }
    recordAt.set(at, record);
  }

  const vanished = new Map<string, FileRecord>();
  for (const [path, record] of records) {
    if (matched.has(path)) continue;
    if (!input.inScope(path) && input.stillThere(record)) continue;
    if (issuePaths.has(path) || unreadable(parentOf(path))) continue; // unreadable is not deleted
    vanished.set(path, record);
  }

  const fresh: { path: string; local: LocalFile; md5: string }[] = [];
  for (const [path, local] of scan.files) {
    const record = recordAt.get(path);
    if (!record?.remoteId) {
      const md5 = indexedMd5.get(path) ?? (await hashOrReport(path, local.size));
      if (md5 !== undefined) fresh.push({ path, local, md5 });
      continue;
    }
    input.remote?.changed(record);
    const target = mapped(record.path);
    if (target !== path) plan.moves.push({ from: record.path, to: path, record, local });
    const stays = target === path && record.path === path;
    if (statVouches(record, local) && record.md5 !== null) {
      if (stays) plan.unchanged += 1;
      continue;
    }
    const md5 = await hashOrReport(path, local.size);
    if (md5 === undefined) continue;
    if (md5 === record.md5 && local.size === record.size) {
      // Recorded again: a racy record that the hash confirmed is one no longer, once old enough.
      plan.touched.push({ path: record.path, record, local });
      if (stays && sameStat(record, local)) plan.unchanged += 1;
    } else plan.uploads.push({ path, local, md5, replaceId: record.remoteId });
  }

  // Copied then deleted (a new inode, the same bytes): a move only when the content is unique on
  // both sides and not empty; shared content (empty files above all) is no evidence.
  const contentKey = (size: number, md5: string | null): string | undefined =>
    size > 0 && md5 !== null ? `${size}:${md5}` : undefined;
  const vanishedByContent = new Map<string, FileRecord[]>();
  for (const record of vanished.values()) {
    const key = record.remoteId ? contentKey(record.size, record.md5) : undefined;
    if (key) vanishedByContent.set(key, [...(vanishedByContent.get(key) ?? []), record]);
  }
  const freshByContent = new Map<string, number>();
  for (const item of fresh) {
    const key = contentKey(item.local.size, item.md5);
    if (key) freshByContent.set(key, (freshByContent.get(key) ?? 0) + 1);
  }
  for (const item of fresh) {
    const key = contentKey(item.local.size, item.md5);
    const candidates = key ? vanishedByContent.get(key) : undefined;
    if (key && candidates?.length === 1 && freshByContent.get(key) === 1) {
      const record = candidates[0]!;
      vanished.delete(record.path);
      // Indexed as new meanwhile: it is the moved file, not a file to upload.
      if (indexedAt.has(item.path)) plan.forgotten.push(item.path);
      if (mapped(record.path) !== item.path)
        plan.moves.push({ from: record.path, to: item.path, record, local: item.local });
      plan.touched.push({ path: record.path, record, local: item.local });
      continue;
    }
    plan.creates.push(item);
  }

  for (const [path, record] of vanished) {
    const ignoredAbove = plan.forgottenFolders.some((f) => isBelow(path, f));
    if (!record.remoteId || ignoredAbove || input.ignored(path, false)) {
      plan.forgotten.push(path);
      continue;
    }
    const gone = plan.deletedFolders.find((f) => isBelow(path, f.path));
    if (gone) gone.files.push(record);
    else plan.deletes.push(record);
  }
  plan.newFolders.sort((a, b) => a.path.length - b.path.length);
  return plan;
}

export { baseOf, join as joinPath };
