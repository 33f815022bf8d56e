/**
 * What the parts of the sync engine share: the engine's settings and services, its pairs, and the
 * few helpers every step of a pass uses.
 */
import { setTimeout as delay } from "node:timers/promises";
import type PQueue from "p-queue";
import type { ActivityEntry } from "../../../shared/model.ts";
import type { AdaptiveLimit } from "../cloud/http/adaptive-limit.ts";
import type { CloudProvider } from "../cloud/provider.ts";
import { CloudError } from "../cloud/errors.ts";
import type { Journal, PairRecord, UploadedRecord } from "../journal/index.ts";
import type { JournalTrouble } from "../journal/unavailable.ts";
import type { TaskPoller } from "../tasks/poller.ts";
import type { JobRunner } from "../tasks/runner.ts";
import type { TaskHandle, TaskRegistry } from "../tasks/types.ts";
import type { Words } from "../words.ts";
import type { BandwidthLimiter } from "./bandwidth.ts";
import type { FileTasks } from "./file-tasks.ts";
import type { PairRuntime } from "./pair-runtime.ts";
import type { CallPolicy, QuotaGate } from "./remote.ts";
import type { SyncEngineDeps, SyncOnceOptions, SyncSummary, WatcherFactory } from "./types.ts";

export interface EngineContext {
  deps: SyncEngineDeps;
  journal: Journal;
  runner: JobRunner;
  /** The runner's registry (a pass's sync task lives there) and poller. */
  tasks: TaskRegistry;
  poller: TaskPoller;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  watch: WatcherFactory;
  rescanIntervalMs: number;
  debounceMs: number;
  /** Dropped files' uploads share it, to bound how many run at once. */
  queue: PQueue;
  /** How many operations of an account's passes run at once: adapts to the service's answers. */
  lanesFor(accountId: string): AdaptiveLimit;
  bandwidth: BandwidthLimiter;
  quota: QuotaGate;
  policy: CallPolicy;
  runtimes: Map<string, PairRuntime>;
  fileTasks: FileTasks;
  /** Logs to the journal's event log; one the journal cannot take now is written with the next batch. */
  log(level: ActivityEntry["level"], text: Words, pair?: PairRecord): void;
  /** Why the journal cannot be written now (every pair waits for it), or undefined. */
  journalState: { trouble?: JournalTrouble };
  /** The journal could not be written (a trouble), or can be again (undefined). */
  journalTroubled(trouble: JournalTrouble | undefined): void;
  /** Tells the subscribers that pair views changed (coalesced). */
  notify(): void;
  /** Queues a journal write for the next batch; a write may answer an upload whose hook is then due. */
  writeSoon(write: () => UploadedRecord | void): void;
  flushWrites(): void;
  /** Opens the task that shows a pass (a declared job: a pass cut off by a crash is ended at the next start). */
  passTask(task: { title: Words; pairId: string; accountId: string; cancellable: false }): TaskHandle;
  requestPass(rt: PairRuntime, paths: string[] | "full", options?: SyncOnceOptions): Promise<SyncSummary>;
  /** Aborted when the engine stops (each start has its own): passes start nothing new. */
  stopSignal(): AbortSignal;
  /**
   * Aborted once a stopping engine's grace is over: requests still in flight end then (what they
   * did is in the journal), not at the stop itself, so a stop lets what it can finish.
   */
  haltSignal(): AbortSignal;
  isStarted(): boolean;
}

/** What each step of a pass (moves, uploads, deletes) works with. */
export interface StepContext {
  provider: CloudProvider;
  call: <T>(fn: () => Promise<T>) => Promise<T>;
  summary: SyncSummary;
  step(): void;
  fail(path: string, reason: Words): void;
  signal: AbortSignal;
}

export const emptySummary = (): SyncSummary => ({
  uploaded: 0,
  moved: 0,
  renamed: 0,
  deleted: 0,
  unchanged: 0,
  failed: 0,
  failures: [],
});

export const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);
export const isBelow = (path: string, folder: string): boolean => path.startsWith(folder + "/");
export const isLocalError = (error: unknown): boolean =>
  typeof (error as NodeJS.ErrnoException)?.code === "string" && !(error instanceof CloudError);

/** Waits for `promise` at most `ms` (and leaves no timer behind to hold the process). */
export async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  const stop = new AbortController();
  await Promise.race([
    promise.catch(() => {}),
    delay(Math.max(0, ms), undefined, { signal: stop.signal }).catch(() => {}),
  ]);
  stop.abort();
}
