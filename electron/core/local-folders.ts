/**
 * Folders on the computer the core runs on, for the web page's folder browser: what a folder holds
 * (folders only; symbolic links are neither listed nor followed), and `~` read as the user's home.
 */
import { lstat, readdir } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { FolderListing } from "../../shared/model.ts";
import { ipcFailure } from "./ipc-error.ts";
import { say } from "./words.ts";

/** At most this many folders in one listing (sorted by name); a folder with more is rare for a person to browse. */
const MAX_FOLDERS = 5000;

/** "~" and "~/x" as the user's home; anything else as it is. */
export function expandHome(path: string, home: string): string {
  const trimmed = path.trim();
  return trimmed === "~" ? home : trimmed.startsWith("~/") ? join(home, trimmed.slice(2)) : trimmed;
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** The folders in `path` (the home when none is given); hidden ones (".x") only when asked for. */
export async function listFolders(
  path: string | undefined,
  home: string,
  options: { hidden?: boolean } = {},
): Promise<FolderListing> {
  const wanted = path === undefined ? home : expandHome(path, home);
  if (!isAbsolute(wanted))
    throw ipcFailure("invalid-input", say("errors.browse.notAbsolute", { path: wanted }));
  const folder = resolve(wanted);
  const info = await lstat(folder);
  if (info.isSymbolicLink())
    throw ipcFailure("invalid-input", say("errors.browse.isSymlink", { path: folder }));
  if (!info.isDirectory()) throw ipcFailure("invalid-input", say("errors.notAFolder", { path: folder }));
  const entries = await readdir(folder, { withFileTypes: true });
  const folders = entries
    // A Dirent describes the link itself, so a symbolic link to a folder is not a folder here.
    .filter((entry) => entry.isDirectory() && (options.hidden || !entry.name.startsWith(".")))
    .map((entry) => ({ name: entry.name, path: join(folder, entry.name) }))
    .sort((a, b) => byName.compare(a.name, b.name))
    .slice(0, MAX_FOLDERS);
  const parent = dirname(folder);
  return { path: folder, parent: parent === folder ? null : parent, home, folders };
}
