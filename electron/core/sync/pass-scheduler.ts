/**
 * Passes are serialised per pair: requests that arrive while a pass runs merge into the next one
 * (full, or the union of the hinted paths), and every request waits for the pass that covers it.
 */
import { errorText, type EngineContext } from "./engine-context.ts";
import { announceLanded, type PairRuntime } from "./pair-runtime.ts";
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

async function drain(ctx: EngineContext, rt: PairRuntime): Promise<void> {
  rt.running = true;
  while (rt.next) {
    const job = rt.next;
    rt.next = undefined;
    try {
      const summary = await runPass(ctx, rt, job);
      for (const w of job.waiters) w.resolve(summary);
    } catch (error) {
      if (!rt.controller.signal.aborted && !ctx.stopSignal().aborted) {
        rt.error = errorText(error);
        ctx.log("error", `Sync of ${rt.record.localPath} failed: ${rt.error}`, rt.record);
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
