/**
 * One poller for every server-side task (imports, batch moves, scripts). It asks soon after a task
 * starts, then paces itself on the task's observed progress, so a task that will take ten seconds
 * costs two or three status calls, not fifty; a used-up quota makes it wait for the reset.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { CloudProvider, ServerTaskRef, ServerTaskStatus, TaskProgress } from "../cloud/provider.ts";
import { isCloudError } from "../cloud/errors.ts";
import { UNKNOWN_STATUS_MAX_INTERVAL_MS, unknownStatusPatience } from "../cloud/task-wait.ts";
import type { Journal, ServerTaskRecord } from "../journal/index.ts";
import type { TaskRegistry } from "./types.ts";

export interface WaitOptions {
  /** Each answer; `status` tells an owner that shows it when the service answered an unknown word. */
  onProgress?: TaskProgress;
  signal?: AbortSignal;
  /** The registry task this server task belongs to (persisted, for resuming after a restart). */
  taskId?: string;
  /** Whatever the owner needs to finish its work after a restart (persisted as JSON). */
  context?: unknown;
}

export interface PollerStats {
  tasks: number;
  calls: number;
  /** Status calls each finished task needed, in finishing order. */
  callsPerTask: number[];
  median: number;
}

export interface TaskPoller {
  /** Polls until the task is final (succeeded, partial or failed). */
  wait(accountId: string, task: ServerTaskRef, options?: WaitOptions): Promise<ServerTaskStatus>;
  /** A `waitForTask` for UploadSource, bound to an account. */
  waiterFor(
    accountId: string,
    taskId?: string,
  ): (task: ServerTaskRef, onProgress: TaskProgress, signal?: AbortSignal) => Promise<ServerTaskStatus>;
  /** Server tasks that were being polled when the process stopped, for their owners to wait on again. */
  pending(): ServerTaskRecord[];
  stats(): PollerStats;
  /** Aborts every wait; the tasks stay in the journal to be polled again. */
  stop(): void;
}

export interface TaskPollerOptions {
  providerFor(accountId: string): CloudProvider;
  journal?: Journal;
  tasks?: TaskRegistry;
  now?: () => number;
  /** Delay before the first status call (default 250 ms). */
  firstDelayMs?: number;
  /** Longest pause between two calls (default 10 s). */
  maxIntervalMs?: number;
}

const median = (values: number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function createTaskPoller(options: TaskPollerOptions): TaskPoller {
  const now = options.now ?? Date.now;
  const firstDelay = options.firstDelayMs ?? 250;
  const maxInterval = options.maxIntervalMs ?? 10_000;
  const stopper = new AbortController();
  const callsPerTask: number[] = [];
  let calls = 0;
  let tasks = 0;

  const wait = async (
    accountId: string,
    ref: ServerTaskRef,
    opts: WaitOptions = {},
  ): Promise<ServerTaskStatus> => {
    const provider = options.providerFor(accountId);
    const signal = opts.signal ? AbortSignal.any([opts.signal, stopper.signal]) : stopper.signal;
    const key = `${ref.kind}:${ref.id}`;
    const known = options.journal?.serverTasks().find((t) => t.id === key);
    options.journal?.putServerTask({
      id: key,
      kind: ref.kind,
      accountId,
      taskId: opts.taskId ?? known?.taskId ?? null,
      context: opts.context ?? known?.context,
      startedAt: known?.startedAt ?? now(),
    });
    tasks += 1;
    let own = 0;
    // Pace is measured from the first observation; a zero-progress start tells nothing.
    let last: { time: number; current: number } | undefined;
    let delay = firstDelay;
    // A status word the contract does not know keeps the task waiting, polled less and less, for a day.
    const patience = unknownStatusPatience(now);
    for (;;) {
      await sleep(delay, undefined, { signal, ref: false });
      let status: ServerTaskStatus;
      try {
        calls += 1;
        own += 1;
        status = await provider.pollTask(ref, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        if (isCloudError(error, "quota")) {
          delay = Math.max(1000, (error.retryAt ?? now() + 60_000) - now());
          continue;
        }
        if (isCloudError(error, "transient")) {
          delay = Math.min(maxInterval, Math.max(delay * 2, error.retryAt ? error.retryAt - now() : 0, 500));
          continue;
        }
        throw error;
      }
      opts.onProgress?.(status.current, status.total, status);
      if (status.state !== "running") {
        callsPerTask.push(own);
        options.journal?.deleteServerTask(key);
        return status;
      }
      try {
        patience.observe(status);
      } catch (error) {
        options.journal?.deleteServerTask(key);
        throw error;
      }
      if (status.unknownStatus) {
        delay = Math.min(UNKNOWN_STATUS_MAX_INTERVAL_MS, delay * 2);
        last = undefined;
        continue;
      }
      const time = now();
      if (last && status.total > 0 && status.current > last.current && time > last.time) {
        const perMs = (status.current - last.current) / (time - last.time);
        const remainingMs = (status.total - status.current) / perMs;
        delay = Math.min(maxInterval, Math.max(100, remainingMs * 1.05 + 50));
      } else if (!last && status.total > 0 && status.current > 0) {
        // One sample since the start: assume the task began when we asked it to.
        const elapsed = Math.max(1, delay);
        delay = Math.min(
          maxInterval,
          Math.max(100, ((status.total - status.current) * elapsed) / status.current),
        );
      } else {
        delay = Math.min(maxInterval, delay * 1.6);
      }
      last = { time, current: status.current };
    }
  };

  return {
    wait,
    waiterFor(accountId, taskId) {
      return (task, onProgress, signal) =>
        wait(accountId, task, { onProgress, ...(signal ? { signal } : {}), ...(taskId ? { taskId } : {}) });
    },
    pending() {
      return options.journal?.serverTasks() ?? [];
    },
    stats() {
      return { tasks, calls, callsPerTask: [...callsPerTask], median: median(callsPerTask) };
    },
    stop() {
      stopper.abort(new Error("The task poller stopped."));
    },
  };
}
