/**
 * A pair's folder watcher: its hints become passes over the changed paths; when it fails (or
 * cannot start) the pair is degraded, with the reason, and found by rescanning more often instead.
 */
import { sep } from "node:path";
import type { EngineContext } from "./engine-context.ts";
import { cancelRetries, changedSinceFailure } from "./failed-paths.ts";
import { ignoreFileName, loadIgnoreRules, type IgnoreMatcher } from "./ignore-rules.ts";
import type { PairRuntime } from "./pair-runtime.ts";
import { toRelative } from "./scan.ts";
import type { WatchHandle } from "./types.ts";
import { say, type Words } from "../words.ts";

function hint(ctx: EngineContext, rt: PairRuntime, absolute: string): void {
  const relative = toRelative(absolute.slice(rt.record.localPath.length + 1));
  if (absolute !== rt.record.localPath && !absolute.startsWith(rt.record.localPath + sep)) return;
  if (rt.hints.size === 0) rt.firstHintAt = Date.now();
  rt.hints.add(absolute === rt.record.localPath ? "" : relative);
  if (rt.hintTimer) clearTimeout(rt.hintTimer);
  // Quiet for `debounceMs` (an editor's temp-file-then-rename is one change), but never wait long.
  const { debounceMs } = ctx;
  const wait = Math.max(0, Math.min(debounceMs, rt.firstHintAt + debounceMs * 4 - Date.now()));
  rt.hintTimer = setTimeout(() => {
    rt.hintTimer = undefined;
    const paths = [...rt.hints];
    rt.hints.clear();
    // New rules: the watcher starts again with them (what they no longer ignore gets watched), and
    // its start-up pass applies them.
    changedSinceFailure(ctx, rt, paths);
    if (paths.includes(ignoreFileName)) void watchAgain(ctx, rt);
    else ctx.requestPass(rt, paths.includes("") ? "full" : paths).catch(() => {});
  }, wait);
}

/** The rules the watcher skips folders by; rules that cannot be read are the pass's to report. */
function watchRules(root: string): IgnoreMatcher | undefined {
  try {
    return loadIgnoreRules(root);
  } catch {
    return undefined;
  }
}

/** Starts the pair's watcher; resolves once it reports changes (or has failed: the pair rescans). */
async function startWatching(ctx: EngineContext, rt: PairRuntime): Promise<void> {
  if (rt.watcher || rt.record.paused) return;
  let watcher: WatchHandle | undefined;
  let failed = false;
  try {
    const ignored = watchRules(rt.record.localPath);
    // Only the pair's current watcher speaks for it (one replaced or failed may still call).
    watcher = ctx.watch(
      rt.record.localPath,
      {
        hint: (path) => {
          if (!failed && rt.watcher === watcher) hint(ctx, rt, path);
        },
        failed: (error) => {
          if (failed) return;
          failed = true;
          if (rt.watcher === watcher) degrade(ctx, rt, error);
        },
      },
      ignored ? { ignored } : {},
    );
    if (failed) void watcher.close().catch(() => {});
    else rt.watcher = watcher;
  } catch (error) {
    degrade(ctx, rt, error as Error);
  }
  scheduleRescan(ctx, rt);
  await watcher?.ready?.catch((error: unknown) => {
    if (rt.watcher === watcher) degrade(ctx, rt, error instanceof Error ? error : new Error(String(error)));
  });
  if (watcher && rt.watcher === watcher && rt.degraded) {
    // A watcher that works again (after a resume, or new rules) ends the degraded state.
    rt.degraded = undefined;
    scheduleRescan(ctx, rt);
    ctx.notify();
  }
}

/** Watching first, then the full pass: whatever changes in between is seen by one or the other. */
export async function watchAndSync(ctx: EngineContext, rt: PairRuntime): Promise<void> {
  await startWatching(ctx, rt);
  if (ctx.isStarted() && !rt.record.paused && !rt.removed) ctx.requestPass(rt, "full").catch(() => {});
}

/** A new watcher in place of the current one (or of the one that failed). */
async function watchAgain(ctx: EngineContext, rt: PairRuntime): Promise<void> {
  if (rt.removed || rt.record.paused || !ctx.isStarted()) return;
  const old = rt.watcher;
  rt.watcher = undefined;
  void old?.close().catch(() => {});
  await watchAndSync(ctx, rt);
}

/** Why the watcher stopped, in the words the pair shows. */
export function degradedReason(error: Error): Words {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOSPC") return say("core.reason.watchLimit");
  if (code === "EMFILE") return say("core.reason.watchFiles");
  return say("core.reason.watchFailed", { error: error.message });
}

function degrade(ctx: EngineContext, rt: PairRuntime, error: Error): void {
  rt.degraded = degradedReason(error);
  ctx.log(
    "warn",
    say("core.activity.degraded", { path: rt.record.localPath, reason: rt.degraded }),
    rt.record,
  );
  const watcher = rt.watcher;
  rt.watcher = undefined;
  void watcher?.close().catch(() => {});
  scheduleRescan(ctx, rt);
  ctx.notify();
}

function scheduleRescan(ctx: EngineContext, rt: PairRuntime): void {
  if (rt.rescanTimer) clearInterval(rt.rescanTimer);
  const every = rt.degraded ? Math.min(ctx.rescanIntervalMs, 30_000) : ctx.rescanIntervalMs;
  rt.rescanTimer = setInterval(() => ctx.requestPass(rt, "full").catch(() => {}), every);
  rt.rescanTimer.unref();
}

export async function stopWatching(rt: PairRuntime): Promise<void> {
  cancelRetries(rt);
  if (rt.rescanTimer) clearInterval(rt.rescanTimer);
  if (rt.hintTimer) clearTimeout(rt.hintTimer);
  rt.rescanTimer = rt.hintTimer = undefined;
  rt.hints.clear();
  const watcher = rt.watcher;
  rt.watcher = undefined;
  await watcher?.close().catch(() => {});
}
