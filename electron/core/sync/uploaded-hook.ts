/**
 * The "uploaded" hook: `onUploaded` is called once per recorded upload of a pair's file. The call is
 * kept in the journal until it settles, so one a crash or a stop interrupted is made again at the
 * next start.
 */
import type { UploadedRecord } from "../journal/index.ts";
import { failureWords } from "../ipc-error.ts";
import { say } from "../words.ts";
import { settledWithin, type EngineContext } from "./engine-context.ts";

/** How long a stop (or the end of a `syncOnce`) waits for `onUploaded` calls still running. */
const hookGraceMs = 1000;

export interface UploadedHooks {
  /** Calls `onUploaded` for a recorded upload; its journal row goes once the call has settled. */
  run(uploaded: UploadedRecord): void;
  /** Calls the hooks a previous run left unsettled (once per start). */
  replayOnce(): void;
  /** Waits a short grace for running calls; those still running keep their journal rows. */
  settle(): Promise<void>;
  /** After a stop, the next start replays again. */
  rearm(): void;
}

const hookKey = (u: UploadedRecord): string => [u.pairId, u.path, u.remoteId, u.version].join("\u0000");

export function createUploadedHooks(ctx: EngineContext): UploadedHooks {
  const { journal, deps } = ctx;
  const hooksRunning = new Map<string, Promise<void>>();
  let hooksReplayed = false;

  function run(uploaded: UploadedRecord): void {
    const onUploaded = deps.onUploaded;
    const key = hookKey(uploaded);
    if (!onUploaded || hooksRunning.has(key) || ctx.stopSignal().aborted) return;
    const rt = ctx.runtimes.get(uploaded.pairId);
    const forget = (): void => {
      try {
        journal.deleteUploadHook(uploaded);
      } catch {
        // The journal closed meanwhile: the call is made again at the next start.
      }
    };
    if (!rt) return forget();
    const call = (async () => {
      try {
        await onUploaded({
          pairId: uploaded.pairId,
          accountId: rt.record.accountId,
          path: uploaded.path,
          remoteId: uploaded.remoteId,
          version: uploaded.version,
          ...(uploaded.uploadTaskId ? { uploadTaskId: uploaded.uploadTaskId } : {}),
        });
      } catch (error) {
        try {
          ctx.log(
            "warn",
            say("core.activity.afterUpload", { path: uploaded.path, error: failureWords(error) }),
            rt.record,
          );
        } catch {
          // The journal closed meanwhile.
        }
      }
      forget();
    })().finally(() => hooksRunning.delete(key));
    hooksRunning.set(key, call);
  }

  return {
    run,
    replayOnce() {
      if (hooksReplayed || !deps.onUploaded) return;
      hooksReplayed = true;
      for (const uploaded of journal.uploadHooks()) run(uploaded);
    },
    async settle() {
      const hooks = [...hooksRunning.values()];
      if (hooks.length > 0) await settledWithin(Promise.allSettled(hooks), hookGraceMs);
    },
    rearm() {
      hooksReplayed = false;
    },
  };
}
