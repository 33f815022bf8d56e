/**
 * Passes are serialised per pair: requests that arrive while a pass runs merge into the next one
 * (full, or the union of the hinted paths), and every request waits for the pass that covers it.
 */
import type { EngineContext } from "./engine-context.ts";
import { failureWords } from "../ipc-error.ts";
import { say } from "../words.ts";
import { backoffDelay } from "../cloud/http/retry.ts";
import { journalRetryBackoff, journalTrouble } from "../journal/unavailable.ts";
import { announceLanded, type PairRuntime, type PassJob } from "./pair-runtime.ts";
import { scheduleRetries } from "./failed-paths.ts";
import { runPass } from "./pass.ts";
import type { SyncOnceOptions, SyncSummary } from "./types.ts";

export function requestPass(
  ctx: EngineContext,
  rt: PairRuntime,
  paths: string[] | "full",
  options: SyncOnceOptions = {},
): Promise<SyncSummary> {
  rt.next ??= { full: false, paths: new Set(), allowMassDelete: false, waiters: [] };
  const job = rt.next;
  if (paths === "full") job.full = true;
  else for (const p of paths) job.paths.add(p);
  if (options.allowMassDelete) job.allowMassDelete = true;
  const done = new Promise<SyncSummary>((resolve, reject) => job.waiters.push({ resolve, reject }));
  if (!rt.running) void drain(ctx, rt);
  return done;
}

/** Puts a pass back in front of what was asked meanwhile (the union of both). */
function requeue(rt: PairRuntime, job: PassJob): void {
  const next = rt.next;
  rt.next = job;
  if (!next) return;
  job.full ||= next.full;
  for (const p of next.paths) job.paths.add(p);
  job.allowMassDelete ||= next.allowMassDelete;
  job.waiters.push(...next.waiters);
}

function rejectQueued(rt: PairRuntime, error: unknown): void {
  const job = rt.next;
  rt.next = undefined;
  for (const w of job?.waiters ?? []) w.reject(error);
}

async function drain(ctx: EngineContext, rt: PairRuntime): Promise<void> {
  rt.running = true;
  let journalWaits = 0;
  while (rt.next) {
    const job = rt.next;
    rt.next = undefined;
    try {
      const summary = await runPass(ctx, rt, job);
      ctx.journalTroubled(undefined);
      journalWaits = 0;
      for (const w of job.waiters) w.resolve(summary);
    } catch (error) {
      const trouble = journalTrouble(error);
      const stopping = rt.controller.signal.aborted || ctx.stopSignal().aborted;
      if (trouble && !stopping) {
        // The journal cannot be written now: the same pass goes again once it can, its waiters with it.
        ctx.journalTroubled(trouble);
        requeue(rt, job);
        const wait = backoffDelay(++journalWaits, journalRetryBackoff);
        const stopped = AbortSignal.any([rt.controller.signal, ctx.stopSignal()]);
        await ctx.sleep(wait, stopped).catch(() => {});
        if (stopped.aborted) rejectQueued(rt, error);
        continue;
      }
      if (!stopping) {
        rt.error = failureWords(error);
        ctx.log(
          "error",
          say("core.activity.syncFailed", { path: rt.record.localPath, error: rt.error }),
          rt.record,
        );
      }
      for (const w of job.waiters) w.reject(error);
    } finally {
      rt.phase = "idle";
      rt.pendingFiles = 0;
      ctx.flushWrites();
      announceLanded(ctx, rt);
      scheduleRetries(ctx, rt);
      ctx.notify();
    }
  }
  rt.running = false;
}
