/**
 * Finished uploads are recorded together, one transaction per turn of the event loop rather than
 * one per file; what a crash loses here is found again in the cloud by the next start (adopted).
 * A batch the journal cannot take now (another process holds its lock, the disk is full) stays
 * queued and is tried again with backoff.
 */
import { backoffDelay } from "../cloud/http/retry.ts";
import type { Journal, UploadedRecord } from "../journal/index.ts";
import { journalRetryBackoff, journalTrouble, type JournalTrouble } from "../journal/unavailable.ts";

export interface WriteBatch {
  /** A write may answer an upload whose "uploaded" hook is due once the transaction is committed. */
  writeSoon(write: () => UploadedRecord | void): void;
  /** Writes what is queued; what the journal cannot take now stays queued for the next try. */
  flush(): void;
  /** Stops the retries (what is still queued is found again in the cloud by the next start). */
  dispose(): void;
}

export function createWriteBatch(
  journal: Journal,
  hookDue: (uploaded: UploadedRecord) => void,
  /** The journal could not be written (a trouble), or can be again (undefined). */
  onTrouble: (trouble: JournalTrouble | undefined) => void = () => {},
): WriteBatch {
  const pendingWrites: (() => UploadedRecord | void)[] = [];
  let writesTimer: NodeJS.Immediate | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  const flush = (): void => {
    if (writesTimer) clearImmediate(writesTimer);
    writesTimer = undefined;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    if (pendingWrites.length === 0) return;
    const writes = pendingWrites.splice(0);
    const due: UploadedRecord[] = [];
    try {
      journal.transaction(() => {
        for (const write of writes) {
          const uploaded = write();
          if (uploaded) due.push(uploaded);
        }
      });
    } catch (error) {
      const trouble = journalTrouble(error);
      if (!trouble) throw error;
      // Rolled back as a whole: every write is made again at the next try.
      pendingWrites.unshift(...writes);
      failures += 1;
      onTrouble(trouble);
      retryTimer = setTimeout(flush, backoffDelay(failures, journalRetryBackoff));
      return;
    }
    if (failures > 0) onTrouble(undefined);
    failures = 0;
    for (const uploaded of due) hookDue(uploaded);
  };
  return {
    writeSoon(write) {
      pendingWrites.push(write);
      if (!retryTimer) writesTimer ??= setImmediate(flush);
    },
    flush,
    dispose() {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
}
