/**
 * One home, one process: two engines on the same pairs and journal would undo each other's work.
 * The lock is an exclusive transaction on a small SQLite file in the home, held for the process's
 * life; its fcntl lock dies with the process, however it ends (kill -9 included), so a crash never
 * leaves a stale lock. A second file names the holder, for the one line a second process prints.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { IpcFailure } from "../core/ipc-error.ts";
import { Phrase } from "../../shared/i18n/phrase.ts";
import { say, type Words } from "../core/words.ts";

export const LOCK_FILE = "in-use.lock";
export const HOLDER_FILE = "in-use.json";

/** Who holds a home, in words ("the web shell", "the command line (watch)"), a phrase so each reader says it in its language. */
export interface HomeHolder {
  pid: number;
  what: Words;
  since: number;
}

export class HomeInUse extends IpcFailure {
  readonly holder: HomeHolder | undefined;
  constructor(home: string, holder: HomeHolder | undefined) {
    const who = holder
      ? say("errors.homeHolder", { what: holder.what, pid: holder.pid })
      : say("errors.anotherProcess");
    super("conflict", say("errors.homeInUse", { home, who }));
    this.name = "HomeInUse";
    this.holder = holder;
  }
}

export interface HomeLock {
  release(): void;
}

/** Locks with SQLite hold for as long as their connection is open: kept here, never collected. */
const held = new Set<DatabaseSync>();

function readHolder(home: string): HomeHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(home, HOLDER_FILE), "utf8")) as Partial<
      Record<keyof HomeHolder, unknown>
    >;
    if (typeof parsed.pid !== "number") return undefined;
    const what = typeof parsed.what === "string" ? parsed.what : Phrase.safeParse(parsed.what).data;
    if (what === undefined) return undefined;
    return { pid: parsed.pid, what, since: Number(parsed.since ?? 0) };
  } catch {
    return undefined;
  }
}

const isBusy = (error: unknown) => (error as { errcode?: number }).errcode === 5; // SQLITE_BUSY

/** Takes the home for this process; throws HomeInUse, naming the holder, when another has it. */
export function lockHome(home: string, what: Words): HomeLock {
  const file = join(home, LOCK_FILE);
  const db = new DatabaseSync(file, { timeout: 0 });
  try {
    // Before the first write, so the rollback journal SQLite keeps beside it gets the same mode.
    chmodSync(file, 0o600);
    db.exec("pragma locking_mode = exclusive");
    db.exec("begin exclusive");
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new HomeInUse(home, readHolder(home));
    throw error;
  }
  held.add(db);
  const holder: HomeHolder = { pid: process.pid, what, since: Date.now() };
  writeFileSync(join(home, HOLDER_FILE), JSON.stringify(holder), { mode: 0o600 });
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (readHolder(home)?.pid === process.pid) rmSync(join(home, HOLDER_FILE), { force: true });
      held.delete(db);
      db.close();
    },
  };
}
