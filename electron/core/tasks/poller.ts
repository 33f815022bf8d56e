/**
 * One poller for every server-side task (imports, batch moves, zip packages). It asks soon after a
 * task starts, then paces itself on the task's observed progress, so a task that will take ten
 * seconds costs two or three status calls, not fifty; a used-up quota makes it wait for the reset.
 * A task being polled is kept in the journal, so a restart can follow it again.
 */
import type { CloudProvider, ServerTaskRef, ServerTaskStatus, TaskProgress } from "../cloud/provider.ts";
import { UnknownStatusTimeout, unknownStatusPatience } from "../cloud/task-wait.ts";
import type { Journal, ServerTaskRecord } from "../journal/index.ts";
import { pollPace } from "./poll-pace.ts";
import { pollUntilDone } from "./poll.ts";

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
  /** Server tasks that were being polled when the process stopped, for their owners to wait on again. */
  pending(): ServerTaskRecord[];
  stats(): PollerStats;
  /** Aborts every wait; the tasks stay in the journal to be polled again. */
  stop(): void;
}

export interface TaskPollerOptions {
  providerFor(accountId: string): CloudProvider;
  journal?: Journal;
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
    const startedAt = known?.startedAt ?? now();
    options.journal?.putServerTask({
      id: key,
      kind: ref.kind,
      accountId,
      taskId: opts.taskId ?? known?.taskId ?? null,
      context: opts.context ?? known?.context,
      startedAt,
    });
    tasks += 1;
    let own = 0;
    const pace = pollPace({ startedAt, maxIntervalMs: maxInterval, now });
    // A status word the contract does not know keeps the task waiting, asked less and less, for a day.
    const patience = unknownStatusPatience(now);
    let status: ServerTaskStatus;
    try {
      status = await pollUntilDone<ServerTaskStatus>({
        ask: (callSignal) => provider.pollTask(ref, callSignal),
        beforeAsk: () => {
          calls += 1;
          own += 1;
        },
        done: (answer) => {
          opts.onProgress?.(answer.current, answer.total, answer);
          if (answer.state !== "running") return true;
          patience.observe(answer);
          return false;
        },
        pace,
        firstDelayMs: firstDelay,
        maxDelayMs: maxInterval,
        signal,
        now,
      });
    } catch (error) {
      // Given up on after a day of unknown words: not to be followed again after a restart.
      if (error instanceof UnknownStatusTimeout) options.journal?.deleteServerTask(key);
      throw error;
    }
    callsPerTask.push(own);
    options.journal?.deleteServerTask(key);
    return status;
  };

  return {
    wait,
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
