/** Browsing an account's folders: entries in the UI's shape, and paths like `/a/b` resolved by name. */
import type { EntryView } from "../../../shared/model.ts";
import type { CloudProvider, RemoteEntry } from "../cloud/provider.ts";
import { ipcFailure } from "../ipc-error.ts";
import { say } from "../words.ts";
import { ensureFolder, findChild, splitRemotePath } from "../sync/remote.ts";

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

/**
 * Walks a path from the account's top folder; `step` answers the child `name` of `parent`, given
 * the paths of both (`/a` and `/a/b`) for its messages.
 */
async function walkPath(
  provider: CloudProvider,
  path: string,
  step: (parent: RemoteEntry, name: string, paths: { parent: string; child: string }) => Promise<RemoteEntry>,
): Promise<RemoteEntry> {
  let current = rootEntry(provider);
  const walked: string[] = [];
  for (const name of splitRemotePath(path)) {
    const parent = `/${walked.join("/")}`;
    walked.push(name);
    current = await step(current, name, { parent, child: `/${walked.join("/")}` });
  }
  return current;
}

/** Walks the tree by name. Throws not-found naming the first part that is missing. */
export function resolveRemotePath(
  provider: CloudProvider,
  path: string,
  signal?: AbortSignal,
): Promise<RemoteEntry> {
  return walkPath(provider, path, async (parent, name, paths) => {
    if (parent.kind !== "folder")
      throw ipcFailure("invalid-input", say("errors.fileNotFolder", { path: paths.parent }));
    const child = await findChild(provider, parent.id, name, signal);
    if (!child) throw ipcFailure("not-found", say("errors.notInCloud", { path: paths.child }));
    return child;
  });
}

/** Resolves a folder path, creating the folders that are missing. */
export function ensureRemoteFolder(
  provider: CloudProvider,
  path: string,
  signal?: AbortSignal,
): Promise<RemoteEntry> {
  return walkPath(provider, path, async (parent, name, paths) => {
    const child =
      (await findChild(provider, parent.id, name, signal)) ??
      (await ensureFolder(provider, parent.id, name, signal));
    if (child.kind !== "folder")
      throw ipcFailure("conflict", say("errors.fileNotFolder", { path: paths.child }));
    return child;
  });
}
