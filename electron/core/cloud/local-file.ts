/**
 * The local side of an upload, for every service: the file is opened once and read through the same
 * handle for hashing and for sending. A size or mtime that moves between the passes, or a read that
 * comes up short, refuses the upload as "changed" rather than sending a torn file.
 */
import { open, type FileHandle } from "node:fs/promises";
import { CloudError } from "./errors.ts";

/** Large reads keep syscalls and hash calls few. */
export const READ_CHUNK = 1024 * 1024;

export interface FileSnapshot {
  size: number;
  mtimeMs: number;
}

export interface LocalFile {
  path: string;
  handle: FileHandle;
  snapshot: FileSnapshot;
}

export async function openLocalFile(path: string, expected?: FileSnapshot): Promise<LocalFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw localError(path, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new CloudError("invalid", `${path} is not a regular file.`);
    const snapshot = { size: stat.size, mtimeMs: stat.mtimeMs };
    if (expected && !sameSnapshot(expected, snapshot)) {
      throw changed(path, "since it was planned for upload");
    }
    return { path, handle, snapshot };
  } catch (error) {
    await handle.close();
    throw error instanceof CloudError ? error : localError(path, error);
  }
}

export async function assertUnchanged(file: LocalFile, when: string): Promise<void> {
  const stat = await file.handle.stat();
  if (!sameSnapshot(file.snapshot, { size: stat.size, mtimeMs: stat.mtimeMs }))
    throw changed(file.path, when);
}

export function sameSnapshot(a: FileSnapshot, b: FileSnapshot): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

export function changed(path: string, when: string): CloudError {
  return new CloudError("changed", `${path} changed ${when}; it will be uploaded once it settles.`);
}

function localError(path: string, error: unknown): CloudError {
  const code = (error as { code?: unknown })?.code;
  if (code === "ENOENT") return new CloudError("changed", `${path} no longer exists.`, { cause: error });
  const reason = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
  return new CloudError("invalid", `Cannot read ${path} (${reason}).`, { cause: error });
}
