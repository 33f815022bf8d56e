/**
 * A pair's cloud folder as last listed, kept in the journal, and one polling round over some of its
 * folders: list them, tell what changed, settle what went missing, record the new state in one
 * transaction (a crash leaves the old state, and the next round finds the same changes again).
 */
import { isCloudError } from "../../cloud/errors.ts";
import type { CloudProvider, RemoteEntry } from "../../cloud/provider.ts";
import type { Journal } from "../../journal/index.ts";
import {
  diffListings,
  resolveMissing,
  type FolderListing,
  type KnownRemote,
  type RemoteChange,
} from "./diff.ts";

/** Every entry directly in the folder, page after page; `pages` is the number of calls it took. */
export async function listFolder(
  provider: CloudProvider,
  folderId: string,
  signal?: AbortSignal,
): Promise<FolderListing & { pages: number }> {
  const entries: RemoteEntry[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await provider.list(folderId, cursor, signal);
    pages += 1;
    entries.push(...page.entries);
    cursor = page.next;
  } while (cursor);
  return { folderId, entries, pages };
}

export function knownRemote(journal: Journal, pairId: string): KnownRemote {
  return {
    entry: (id) => journal.remoteEntry(pairId, id),
    children: (folderId) => journal.remoteChildren(pairId, folderId),
  };
}

/** Writes what the listings saw and what the changes settled, in one transaction. */
export function recordRemoteState(
  journal: Journal,
  pairId: string,
  listings: readonly FolderListing[],
  changes: readonly RemoteChange[],
): void {
  const forget = (id: string): void => {
    for (const child of journal.remoteChildren(pairId, id)) forget(child.id);
    journal.deleteRemoteEntry(pairId, id);
  };
  journal.transaction(() => {
    for (const listing of listings) {
      for (const entry of listing.entries) journal.putRemoteEntry(pairId, entry);
    }
    for (const change of changes) {
      if (change.type === "deleted") forget(change.before.id);
      else journal.putRemoteEntry(pairId, change.entry);
    }
  });
}

export interface PollRound {
  changes: RemoteChange[];
  /** Folders to list soon: new ones, and those whose stamp says something inside them changed. */
  touchedFolders: string[];
  /** Calls made to the service (listing pages and look-ups), for the read budget. */
  reads: number;
  /** Per folder listed: the calls it took (look-ups of what went missing from it included) and whether anything in it changed. */
  byFolder: Map<string, { reads: number; changed: boolean }>;
}

/**
 * Lists `folderIds` of the pair whose cloud folder is `rootId`, and records and answers what changed
 * there since they were last listed.
 */
export async function pollFolders(
  provider: CloudProvider,
  journal: Journal,
  pair: { id: string; rootId: string },
  folderIds: readonly string[],
  signal?: AbortSignal,
): Promise<PollRound> {
  const known = knownRemote(journal, pair.id);
  const byFolder = new Map<string, { reads: number; changed: boolean }>();
  const listings: FolderListing[] = [];
  /** Folders that could not be listed because they are gone (or moved where the pair cannot see them). */
  const vanished: RemoteEntry[] = [];
  for (const folderId of folderIds) {
    try {
      const listing = await listFolder(provider, folderId, signal);
      byFolder.set(folderId, { reads: listing.pages, changed: false });
      listings.push(listing);
    } catch (error) {
      const before = known.entry(folderId);
      // The pair's own cloud folder gone is the caller's matter, not a change inside the pair.
      if (!isCloudError(error, "not-found") || folderId === pair.rootId || !before) throw error;
      byFolder.set(folderId, { reads: 1, changed: true });
      vanished.push(before);
    }
  }

  const diff = diffListings(known, listings);
  const listed = new Map<string, RemoteEntry>();
  for (const listing of listings) for (const entry of listing.entries) listed.set(entry.id, entry);
  const inPair = (folderId: string): boolean =>
    folderId === pair.rootId ||
    listed.get(folderId)?.kind === "folder" ||
    known.entry(folderId)?.kind === "folder";
  const missing = new Map([...diff.missing, ...vanished].map((entry) => [entry.id, entry]));
  const settled = await resolveMissing(
    [...missing.values()],
    async (id) => {
      const folder = byFolder.get(known.entry(id)?.parentId ?? "");
      if (folder) folder.reads += 1;
      try {
        return await provider.stat(id, signal);
      } catch (error) {
        if (isCloudError(error, "not-found")) return undefined;
        throw error;
      }
    },
    inPair,
  );
  // A deleted folder stands for everything below it: deletes inside it are not reported again.
  const deleted = new Set(settled.flatMap((c) => (c.type === "deleted" ? [c.before.id] : [])));
  const insideDeleted = (entry: RemoteEntry): boolean => {
    for (let parent = known.entry(entry.parentId); parent; parent = known.entry(parent.parentId)) {
      if (deleted.has(parent.id)) return true;
    }
    return false;
  };
  const changes = [
    ...diff.changes,
    ...settled.filter((c) => c.type !== "deleted" || !insideDeleted(c.before)),
  ];
  recordRemoteState(journal, pair.id, listings, changes);
  const touched = new Set(diff.touchedFolders);
  for (const change of changes) {
    if (change.type === "added" && change.entry.kind === "folder") touched.add(change.entry.id);
    for (const parent of [
      change.type === "deleted" ? undefined : change.entry.parentId,
      "before" in change ? change.before.parentId : undefined,
    ]) {
      const folder = parent === undefined ? undefined : byFolder.get(parent);
      if (folder) folder.changed = true;
    }
  }
  let reads = 0;
  for (const folder of byFolder.values()) reads += folder.reads;
  return { changes, touchedFolders: [...touched], reads, byFolder };
}
