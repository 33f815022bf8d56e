/**
 * The shells' last resort for an error nobody caught: it is logged, and the process keeps running
 * where that is safe: a failed promise nobody waited for, or a journal write that could not be made
 * (another process holds the lock, the disk is full; the engine writes it again later). Anything
 * else thrown leaves the process in a state nobody knows: it ends, with exit code 1, after the log
 * (the journal keeps the work resumable).
 */
import { journalTrouble } from "../core/journal/unavailable.ts";

export interface LastResortOptions {
  /** One line for the log. */
  report(line: string): void;
  /** For tests. */
  target?: NodeJS.EventEmitter;
  exit?: (code: number) => void;
}

const lineOf = (error: unknown): string =>
  (error instanceof Error ? (error.stack ?? error.message) : String(error))
    .split("\n")
    .slice(0, 4)
    .join(" | ");

export function installLastResort({
  report,
  target = process,
  exit = (code) => process.exit(code),
}: LastResortOptions): void {
  target.on("unhandledRejection", (reason: unknown) => {
    report(`docsync: an error nobody waited for (docsync goes on): ${lineOf(reason)}`);
  });
  target.on("uncaughtException", (error: unknown) => {
    if (journalTrouble(error)) {
      report(
        `docsync: the journal could not be written (docsync goes on and writes it later): ${lineOf(error)}`,
      );
      return;
    }
    report(`docsync: an unexpected error; docsync stops: ${lineOf(error)}`);
    exit(1);
  });
}
