/**
 * Finished uploads are recorded together, one transaction per turn of the event loop rather than
 * one per file; what a crash loses here is found again in the cloud by the next start (adopted).
 */
import type { Journal, UploadedRecord } from "../journal/index.ts";

export interface WriteBatch {
  /** A write may answer an upload whose "uploaded" hook is due once the transaction is committed. */
  writeSoon(write: () => UploadedRecord | void): void;
  flush(): void;
}

export function createWriteBatch(journal: Journal, hookDue: (uploaded: UploadedRecord) => void): WriteBatch {
  const pendingWrites: (() => UploadedRecord | void)[] = [];
  let writesTimer: NodeJS.Immediate | undefined;
  const flush = (): void => {
    if (writesTimer) clearImmediate(writesTimer);
    writesTimer = undefined;
    if (pendingWrites.length === 0) return;
    const writes = pendingWrites.splice(0);
    const due: UploadedRecord[] = [];
    journal.transaction(() => {
      for (const write of writes) {
        const uploaded = write();
        if (uploaded) due.push(uploaded);
      }
    });
    for (const uploaded of due) hookDue(uploaded);
  };
  return {
    writeSoon(write) {
      pendingWrites.push(write);
      writesTimer ??= setImmediate(flush);
    },
    flush,
  };
}
