/**
 * Watchers. Events are hints only; the engine checks each with `stat`.
 *
 * The default watches folders, never files: one inotify watch per folder (Node's fs.watch on a
 * folder reports its children by name), so 100,000 files in 1,000 folders cost 1,000 watches and a
 * few MiB (measured: 2 MiB, live in 80 ms). chokidar stats and tracks every file even when told to
 * ignore files, and Node's recursive fs.watch keeps a watch per file: both measured at about 2.5 KiB
 * per file, 266 MiB and 1.7 s to be ready for 100,000 files.
 */
import { lstatSync, readdirSync, watch as watchFolder, type FSWatcher } from "node:fs";
import { join, sep } from "node:path";
import type { WatcherFactory } from "./types.ts";

const isFolderNow = (path: string): boolean => {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
};

export const folderWatcher: WatcherFactory = (root, events) => {
  const watchers = new Map<string, FSWatcher>();
  let failed = false;
  let closed = false;

  const fail = (error: Error): void => {
    if (failed || closed) return;
    failed = true;
    events.failed(error);
  };

  const unwatchBelow = (folder: string): void => {
    for (const [path, watcher] of watchers) {
      if (path === folder || path.startsWith(folder + sep)) {
        watcher.close();
        watchers.delete(path);
      }
    }
  };

  const watchTree = (folder: string): void => {
    const stack = [folder];
    while (stack.length > 0 && !failed && !closed) {
      const current = stack.pop()!;
      if (watchers.has(current)) continue;
      let watcher: FSWatcher;
      try {
        watcher = watchFolder(current, { persistent: true }, (_event, name) => onEvent(current, name));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR" || code === "EACCES" || code === "EPERM") continue;
        fail(error as Error);
        return;
      }
      watcher.on("error", (error) => {
        // A watched folder that was deleted or moved away ends its own watch; anything else is a failure.
        const code = (error as NodeJS.ErrnoException).code;
        watcher.close();
        watchers.delete(current);
        if (code !== "ENOENT" && code !== "EPERM") fail(error);
      });
      watchers.set(current, watcher);
      try {
        for (const entry of readdirSync(current, { withFileTypes: true })) {
          if (entry.isDirectory()) stack.push(join(current, entry.name));
        }
      } catch {
        // Unreadable or gone: the engine's scan reports it.
      }
    }
  };

  const onEvent = (folder: string, name: string | Buffer | null): void => {
    if (closed) return;
    const path = name ? join(folder, name.toString()) : folder;
    events.hint(path);
    // A folder that appeared (created or moved in) is watched too; one that went away is forgotten.
    const isFolder = isFolderNow(path);
    if (isFolder && !watchers.has(path)) watchTree(path);
    else if (!isFolder && watchers.has(path)) unwatchBelow(path);
  };

  // fs.watch is live as soon as it returns: the whole tree is watched by now.
  watchTree(root);
  return {
    ready: Promise.resolve(),
    async close() {
      closed = true;
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
};

export const defaultWatcher: WatcherFactory = folderWatcher;
