/**
 * Where a download lands: the folder the user named (`~` is their home), a name that takes no
 * existing file's place ("x.zip", then "x (1).zip", ...), and a move into place that never
 * overwrites, even when another program creates the same name meanwhile.
 */
import { constants } from "node:fs";
import { access, link, mkdir, rename, stat, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { extname, isAbsolute, join, resolve } from "node:path";
import { ipcFailure } from "../ipc-error.ts";
import { expandHome } from "../local-folders.ts";
import { say } from "../words.ts";

/** Characters no file system takes in a name, and names that mean something else. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f]/g;

/** A file name made from a cloud name: safe on every system, never empty, never a dot name. */
export function safeFileName(name: string, fallback = "download"): string {
  const cleaned = name.replace(UNSAFE, "_").replace(/^[\s.]+|[\s.]+$/g, "");
  return (cleaned || fallback).slice(0, 200);
}

/** The folder the user typed or picked, as an absolute path; created when missing. */
export async function prepareFolder(path: string, home = homedir()): Promise<string> {
  const expanded = expandHome(path, home);
  if (!isAbsolute(expanded)) {
    throw ipcFailure("invalid-input", say("errors.save.fullPath", { path }));
  }
  const folder = resolve(expanded);
  const info = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw ipcFailure("invalid-input", say("errors.save.cannotUse", { path: folder, reason: error.message }));
  });
  if (info && !info.isDirectory())
    throw ipcFailure("invalid-input", say("errors.fileNotFolder", { path: folder }));
  if (!info) {
    await mkdir(folder, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw ipcFailure(
        "invalid-input",
        say("errors.save.cannotCreate", { path: folder, reason: error.message }),
      );
    });
  }
  await access(folder, constants.W_OK).catch(() => {
    throw ipcFailure("invalid-input", say("errors.save.mayNotWrite", { path: folder }));
  });
  return folder;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** "x.zip", "x (1).zip", "x (2).zip", ... */
export function numbered(name: string, n: number): string {
  if (n === 0) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)} (${n})${ext}`;
}

/** The first numbered name in `folder` taken neither by a file nor by another download's `.part`. */
export async function freeName(folder: string, name: string): Promise<string> {
  for (let n = 0; ; n += 1) {
    const candidate = join(folder, numbered(name, n));
    if (!(await exists(candidate)) && !(await exists(`${candidate}.part`))) return candidate;
  }
}

/**
 * Moves a finished `.part` file into `folder` under `name`, or the first free numbered name when it is
 * taken; answers where it went. A hard link fails rather than replace a file, so nothing is ever
 * overwritten, even by a race with another program; where links do not work, the name is checked
 * right before the rename.
 */
export async function placeWithoutOverwrite(part: string, folder: string, name: string): Promise<string> {
  for (let n = 0; n < 10_000; n += 1) {
    const candidate = join(folder, numbered(name, n));
    try {
      await link(part, candidate);
      await unlink(part);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") continue;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV") throw error;
      if (await exists(candidate)) continue;
      await rename(part, candidate);
      return candidate;
    }
  }
  throw ipcFailure("conflict", say("errors.noFreeName", { name, folder }));
}
