/**
 * What changed in the cloud since a pair's folders were last listed: the fresh listings of some
 * folders compared with the entries recorded for them. Cloud ids are stable across renames and moves
 * on both services, so an id under a new name or parent is a rename or a move, never a delete and an add.
 */
import type { RemoteEntry } from "../../cloud/provider.ts";

/** Every entry directly in one cloud folder, as a listing answered it just now. */
export interface FolderListing {
  folderId: string;
  entries: RemoteEntry[];
}

export type RemoteChange =
  | { type: "added"; entry: RemoteEntry }
  /** A file's content changed (size, MD5, version or mtime). */
  | { type: "edited"; entry: RemoteEntry; before: RemoteEntry }
  /** Same id under a new name, a new parent, or both; `edited` when its content changed as well. */
  | { type: "moved"; entry: RemoteEntry; before: RemoteEntry; edited: boolean }
  /** Gone; a deleted folder stands for everything that was recorded below it. */
  | { type: "deleted"; before: RemoteEntry };

/** What the diff reads of the recorded state. */
export interface KnownRemote {
  entry(id: string): RemoteEntry | undefined;
  children(folderId: string): RemoteEntry[];
}

export interface RemoteDiff {
  changes: RemoteChange[];
  /**
   * Entries gone from the folder they were recorded in and seen in no listing of this round: moved to
   * a folder that was not listed, or deleted. `resolveMissing` asks the cloud which.
   */
  missing: RemoteEntry[];
  /**
   * Folders (listed or not) whose stamp changed: something inside them changed, so they are worth
   * listing soon.
   */
  touchedFolders: string[];
}

export function contentChanged(before: RemoteEntry, after: RemoteEntry): boolean {
  if (before.kind === "folder" || after.kind === "folder") return false;
  if (before.md5 && after.md5 && before.md5 !== after.md5) return true;
  return before.size !== after.size || before.version !== after.version || before.mtime !== after.mtime;
}

export function diffListings(known: KnownRemote, listings: readonly FolderListing[]): RemoteDiff {
  const changes: RemoteChange[] = [];
  const touched = new Set<string>();
  const seen = new Set<string>();
  for (const listing of listings) for (const entry of listing.entries) seen.add(entry.id);

  for (const listing of listings) {
    for (const entry of listing.entries) {
      const before = known.entry(entry.id);
      if (!before) {
        changes.push({ type: "added", entry });
        continue;
      }
      const edited = contentChanged(before, entry);
      if (before.parentId !== entry.parentId || before.name !== entry.name) {
        changes.push({ type: "moved", entry, before, edited });
      } else if (edited) {
        changes.push({ type: "edited", entry, before });
      }
      if (entry.kind === "folder" && (before.mtime !== entry.mtime || before.version !== entry.version)) {
        touched.add(entry.id);
      }
    }
  }

  const missing: RemoteEntry[] = [];
  for (const listing of listings) {
    for (const before of known.children(listing.folderId)) {
      if (!seen.has(before.id)) missing.push(before);
    }
  }
  return { changes, missing, touchedFolders: [...touched] };
}

/** Where a missing entry is now, as the cloud answers a look-up of its id (undefined: it is gone). */
export type LookUp = (id: string) => Promise<RemoteEntry | undefined>;

/**
 * Settles each missing entry with one look-up: still there under a folder of the pair is a move, gone
 * or moved out of the pair's cloud folder is a delete. `inPair` says whether a folder id is the pair's
 * folder or one recorded below it.
 */
export async function resolveMissing(
  missing: readonly RemoteEntry[],
  lookUp: LookUp,
  inPair: (folderId: string) => boolean,
): Promise<RemoteChange[]> {
  const changes: RemoteChange[] = [];
  for (const before of missing) {
    const now = await lookUp(before.id);
    if (now && inPair(now.parentId)) {
      changes.push({ type: "moved", entry: now, before, edited: contentChanged(before, now) });
    } else {
      changes.push({ type: "deleted", before });
    }
  }
  return changes;
}
