/**
 * The default watcher: chokidar watching folders only (one inotify watch per folder, not per file),
 * whose raw events name the child that changed. 100,000 files in 1,000 folders cost 1,000 watches.
 * Events are hints; the engine checks each with `stat`.
 */
import { join } from "node:path";
import { watch } from "chokidar";
import type { WatcherFactory } from "./types.ts";

export const defaultWatcher: WatcherFactory = (root, events) => {
  const watcher = watch(root, {
    ignoreInitial: true,
    followSymlinks: false,
    persistent: true,
    // Files are not watched one by one: their folder's watch reports them.
    ignored: (_path, stats) => stats?.isFile() === true,
  });
  let failed = false;
  watcher.on("raw", (_event, name, details) => {
    const folder = (details as { watchedPath?: string } | undefined)?.watchedPath;
    if (!folder) return;
    events.hint(name ? join(folder, name) : folder);
  });
  watcher.on("addDir", (path) => events.hint(path));
  watcher.on("unlinkDir", (path) => events.hint(path));
  watcher.on("error", (error) => {
    if (failed) return;
    failed = true;
    events.failed(error instanceof Error ? error : new Error(String(error)));
  });
  return { close: () => watcher.close() };
};
