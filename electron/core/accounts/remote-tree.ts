/** Browsing an account's folders: entries in the UI's shape, and paths like `/a/b` resolved by name. */
import type { EntryView } from "../../../shared/model.ts";
import { CloudError } from "../cloud/errors.ts";
import type { CloudProvider, RemoteEntry } from "../cloud/provider.ts";
import { ipcFailure } from "../ipc-error.ts";

export function toEntryView(entry: RemoteEntry): EntryView {
  return {
    id: entry.id,
    name: entry.name,
    kind: entry.kind,
    parentId: entry.parentId,
    size: entry.size,
    mtime: entry.mtime,
    version: entry.version,
  };
}

export function rootEntry(provider: CloudProvider): RemoteEntry {
  return { id: provider.rootId, name: "", kind: "folder", parentId: "", size: 0, version: 0, mtime: 0 };
}

/** `/a//b/` → ["a", "b"]; refuses `.` and `..`, which have no meaning in the cloud. */
export function splitRemotePath(path: string): string[] {
  if (!path.startsWith("/")) throw ipcFailure("invalid-input", `A cloud path starts with "/": ${path}`);
  const parts = path.split("/").filter((part) => part !== "");
  if (parts.some((part) => part === "." || part === "..")) {
    throw ipcFailure("invalid-input", `A cloud path cannot contain "." or "..": ${path}`);
  }
  return parts;
}

export async function findChild(
  provider: CloudProvider,
  parentId: string,
  name: string,
  signal?: AbortSignal,
): Promise<RemoteEntry | undefined> {
  let cursor: string | null = null;
  do {
    const page = await provider.list(parentId, cursor, signal);
    const found = page.entries.find((entry) => entry.name === name);
    if (found) return found;
    cursor = page.next;
  } while (cursor !== null);
  return undefined;
}

/** Walks the tree by name. Throws not-found naming the first part that is missing. */
export async function resolveRemotePath(
  provider: CloudProvider,
  path: string,
  signal?: AbortSignal,
): Promise<RemoteEntry> {
  let current = rootEntry(provider);
  const walked: string[] = [];
  for (const name of splitRemotePath(path)) {
    if (current.kind !== "folder") {
      throw ipcFailure("invalid-input", `/${walked.join("/")} is a file, not a folder.`);
    }
    const child = await findChild(provider, current.id, name, signal);
    walked.push(name);
    if (!child) throw ipcFailure("not-found", `There is no /${walked.join("/")} in the cloud.`);
    current = child;
  }
  return current;
}

/** Resolves a folder path, creating the folders that are missing (each reported to `onCreated`). */
export async function ensureRemoteFolder(
  provider: CloudProvider,
  path: string,
  signal?: AbortSignal,
  onCreated?: (folder: RemoteEntry) => void,
): Promise<RemoteEntry> {
  let current = rootEntry(provider);
  const walked: string[] = [];
  for (const name of splitRemotePath(path)) {
    walked.push(name);
    let child = await findChild(provider, current.id, name, signal);
    if (!child) {
      try {
        child = await provider.createFolder(current.id, name, signal);
        onCreated?.(child);
      } catch (error) {
        // Someone else created it between the listing and the create.
        if (!(error instanceof CloudError && error.kind === "conflict")) throw error;
        child = await findChild(provider, current.id, name, signal);
        if (!child) throw error;
      }
    }
    if (child.kind !== "folder")
      throw ipcFailure("conflict", `/${walked.join("/")} is a file, not a folder.`);
    current = child;
  }
  return current;
}

/** Every entry of a folder, page after page. */
export async function listAll(
  provider: CloudProvider,
  folderId: string,
  signal?: AbortSignal,
): Promise<RemoteEntry[]> {
  const entries: RemoteEntry[] = [];
  let cursor: string | null = null;
  do {
    const page = await provider.list(folderId, cursor, signal);
    entries.push(...page.entries);
    cursor = page.next;
  } while (cursor !== null);
  return entries;
}
