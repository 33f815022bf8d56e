/**
 * A journal write that could not be made for a reason that goes away by itself: another process
 * holds the write lock (SQLITE_BUSY, SQLITE_LOCKED) or the disk is full (SQLITE_FULL, ENOSPC).
 * Such a write is tried again later; nothing about it is the service's fault or the user's data.
 */
import { say, type Phrase } from "../words.ts";

export type JournalTrouble = "busy" | "full";

export function journalTrouble(error: unknown): JournalTrouble | undefined {
  const { errcode, code } = (error ?? {}) as { errcode?: unknown; code?: unknown };
  if (code === "ENOSPC") return "full";
  if (typeof errcode !== "number") return undefined;
  const primary = errcode & 0xff;
  if (primary === 5 || primary === 6) return "busy";
  if (primary === 13) return "full";
  return undefined;
}

/** What the pair shows while it waits. */
export function troubleText(trouble: JournalTrouble): Phrase {
  return say(trouble === "busy" ? "core.pair.journalBusy" : "core.pair.journalFull");
}

/** The waits between tries: from 250 ms, doubling, at most 10 s. */
export const journalRetryBackoff = { baseDelayMs: 250, maxDelayMs: 10_000, random: Math.random };
