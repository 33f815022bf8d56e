/**
 * The folder watcher of every pair: chokidar. Its events are hints only (the engine checks each with
 * `lstat` against the journal, and rescans every pair now and then); when it fails the pair is
 * degraded and found by rescanning instead.
 *
 * Network drives, where native watching sees nothing, need chokidar's polling backend: it is off
 * unless the user asks for it with chokidar's own `CHOKIDAR_USEPOLLING=1` (and `CHOKIDAR_INTERVAL`,
 * in milliseconds, for how often every file is checked).
 */
import { relative, sep } from "node:path";
import { PassThrough } from "node:stream";
import { FSWatcher } from "chokidar";
import type { WatcherFactory } from "./types.ts";
import type { IgnoreMatcher } from "./ignore-rules.ts";

/**
 * How many folders chokidar lists at once while it learns the tree. On Linux chokidar 6 gives every
 * folder its own listing and starts all of them together, so with 100,000 files 100,000 `lstat`
 * calls are in flight at once, about 2 KiB each. Measured for chokidar alone on 100,000 files in
 * 1,000 folders: 494 MiB peak RSS; four folders at a time, 158-175 MiB, and 105 MiB with the V8 flag
 * the shells set. macOS and Windows list the tree as one stream, which this leaves as it is.
 */
export const foldersListedAtOnce = 4;

type ScanStream = ReturnType<FSWatcher["createScanStream"]>;

/**
 * chokidar with its folder listings queued. `createScanStream` is chokidar's one way to list a
 * folder (chokidar 6.0); the test of this module fails if chokidar stops using it.
 */
export class PacedFSWatcher extends FSWatcher {
  #listing = 0;
  #queued: (() => void)[] = [];
  /** The most listings that ran at once (for the tests and the benchmark). */
  mostListedAtOnce = 0;

  constructor(...args: ConstructorParameters<typeof FSWatcher>) {
    super(...args);
    // chokidar 6.0 starts watching a path it tracks anew only when a folder replaced a folder: a
    // file replaced by a folder of its name is listed once and never watched, so nothing done in
    // that folder is seen again (a quick rm and mkdir is not even reported). A tracked path that is
    // now a folder chokidar holds no listing of was not a folder: it is replaced like a folder is.
    // The test of this module fails if chokidar stops asking this.
    const tree = this.tree;
    const replaced = tree.replacedSinceObserved.bind(tree);
    tree.replacedSinceObserved = (path, stats) =>
      replaced(path, stats) || (stats.isDirectory() && tree.peekDirectory(path) === undefined);
  }

  override createScanStream(...args: Parameters<FSWatcher["createScanStream"]>): ScanStream {
    const out = new PassThrough({ objectMode: true });
    const start = (): void => {
      this.#listing += 1;
      this.mostListedAtOnce = Math.max(this.mostListedAtOnce, this.#listing);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.#listing -= 1;
        this.#queued.shift()?.();
      };
      const listing = out.destroyed ? undefined : super.createScanStream(...args);
      if (!listing) {
        // Closed meanwhile: nothing to list.
        release();
        if (!out.destroyed) out.end();
        return;
      }
      listing.once("error", (error: Error) => {
        release();
        out.destroy(error);
      });
      listing.once("close", () => {
        release();
        // Closed without ending (the watcher closed): the listing is incomplete.
        if (!out.writableEnded) out.destroy();
      });
      out.once("close", () => listing.destroy());
      listing.pipe(out);
    };
    if (this.#listing < foldersListedAtOnce) start();
    else this.#queued.push(start);
    return out as unknown as ScanStream;
  }
}

/**
 * chokidar's `ignored` from the pair's rules, for folders only: an ignored folder is not watched nor
 * listed, while a file's hint costs less than asking the rules about every file chokidar lists (the
 * pass drops hints for ignored files). Paths are absolute, the rules take them relative.
 */
function ignoredFolders(root: string, rules: IgnoreMatcher | undefined) {
  if (!rules) return undefined;
  return (path: string, stats?: { isDirectory(): boolean }): boolean => {
    if (!stats?.isDirectory() || !path.startsWith(root + sep)) return false;
    const name = relative(root, path);
    return rules(sep === "/" ? name : name.split(sep).join("/"), true);
  };
}

export const chokidarWatcher: WatcherFactory = (root, events, options = {}) => {
  const ignored = ignoredFolders(root, options.ignored);
  const watcher = new PacedFSWatcher({
    ignoreInitial: true,
    followSymlinks: false,
    // An unreadable folder is the scan's to report (as an issue of that path), not a watcher failure.
    ignorePermissionErrors: true,
    ...(ignored ? { ignored } : {}),
  });
  let failed = false;
  watcher.on("all", (_event, path) => events.hint(path));
  watcher.on("error", (error: unknown) => {
    if (failed) return;
    failed = true;
    events.failed(error instanceof Error ? error : new Error(String(error)));
  });
  let settle!: () => void;
  const ready = new Promise<void>((resolve) => (settle = resolve));
  watcher.once("ready", settle);
  // A watcher that fails (or is closed) before it is ready is not waited for: the pair rescans.
  watcher.once("error", settle);
  watcher.add(root);
  return {
    ready,
    close() {
      settle();
      return watcher.close();
    },
  };
};

export const defaultWatcher: WatcherFactory = chokidarWatcher;
