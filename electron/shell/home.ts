/**
 * The home folder (--home, else DOCSYNC_HOME, else ~/.docsync): settings, credentials, the journal and
 * the local cloud's documents. It is the user's alone: created 0700, every file in it 0600, and an
 * existing home is tightened on every start.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { say, type Words } from "../core/words.ts";
import { lockHome, type HomeLock } from "./home-lock.ts";

export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.DOCSYNC_HOME) return resolve(env.DOCSYNC_HOME);
  return join(homedir(), ".docsync");
}

const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Every file this process creates is readable by the user alone (the home, the journal's -wal and
 * -shm, the local cloud's blobs, staged drops). The first thing each shell's entry point does.
 */
export function keepFilesPrivate(): void {
  process.umask(0o077);
}

/**
 * Creates the home, or tightens an existing one: the home and the folders in it 0700, the files
 * 0600. Symbolic links are left alone (never followed). Returns what could not be tightened.
 */
export function prepareHome(home: string): string[] {
  mkdirSync(home, { recursive: true, mode: FOLDER_MODE });
  const untouched: string[] = [];
  const tighten = (path: string, mode: number, current: number) => {
    if ((current & 0o777) === mode) return;
    try {
      chmodSync(path, mode);
    } catch (error) {
      untouched.push(`${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  };
  // The home itself may be a link the user made on purpose; what it points to is tightened.
  tighten(home, FOLDER_MODE, statSync(home).mode);
  const folders = [home];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch (error) {
      untouched.push(`${folder} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      continue;
    }
    for (const name of names) {
      const path = join(folder, name);
      const info = lstatSync(path, { throwIfNoEntry: false });
      if (!info || info.isSymbolicLink()) continue;
      if (info.isDirectory()) {
        tighten(path, FOLDER_MODE, info.mode);
        folders.push(path);
      } else {
        tighten(path, FILE_MODE, info.mode);
      }
    }
  }
  return untouched;
}

/**
 * What every shell does with its home before the core opens it: creates it, takes it for this
 * process (HomeInUse names the holder otherwise), and tightens what is in it.
 */
export function claimHome(home: string, what: Words, log: (words: Words) => void): HomeLock {
  mkdirSync(home, { recursive: true, mode: FOLDER_MODE });
  const lock = lockHome(home, what);
  const untouched = prepareHome(home);
  if (untouched.length > 0) {
    log(
      say("errors.homeNotPrivate", {
        count: untouched.length,
        home,
        items: untouched.slice(0, 3).join(", "),
      }),
    );
  }
  return lock;
}
