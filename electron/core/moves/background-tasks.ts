/**
 * Task work the core runs in the background and takes up again after a restart: batch moves and zip
 * downloads. Each run is tracked so `stop` can wait for it, one signal stops them all (their tasks
 * stay unfinished, to resume at the next start), and failures are put in words the same way.
 */
import { CloudError } from "../cloud/errors.ts";
import type { ServerTaskRef, ServerTaskStatus, TaskProgress } from "../cloud/provider.ts";
import { describeCloudError, toIpcError } from "../ipc-error.ts";
import type { TaskHandle, TaskKind, TaskRegistry } from "../tasks/types.ts";

/** The shared poller's `wait`. */
export type WaitForTask = (
  accountId: string,
  task: ServerTaskRef,
  options: { onProgress: TaskProgress; signal: AbortSignal; taskId: string },
) => Promise<ServerTaskStatus>;

export interface BackgroundTasks<S> {
  /** Runs the task's work in the background. */
  launch(handle: TaskHandle, state: S): void;
  /** Takes up the unfinished tasks of this kind that a restart interrupted. */
  resumeUnfinished(): void;
  /** Aborted once `stop` is called: a run that sees it leaves its task unfinished. */
  readonly stopping: AbortSignal;
  /** Resolves when every run started so far has ended. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function createBackgroundTasks<S>(options: {
  registry: TaskRegistry;
  kind: TaskKind;
  /** `signal` aborts when the task is cancelled or the core stops. */
  run(handle: TaskHandle, state: S, signal: AbortSignal): Promise<void>;
  /** Whether persisted resume data is still usable. */
  isState(resume: unknown): resume is S;
  /** What a task whose resume data is unusable fails with. */
  lost: string;
  onError?(error: unknown): void;
}): BackgroundTasks<S> {
  const running = new Set<Promise<void>>();
  const stopper = new AbortController();
  const idle = async () => {
    while (running.size > 0) await Promise.allSettled([...running]);
  };
  const launch = (handle: TaskHandle, state: S) => {
    const tracked: Promise<void> = options
      .run(handle, state, AbortSignal.any([handle.signal, stopper.signal]))
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => running.delete(tracked));
    running.add(tracked);
  };
  return {
    launch,
    resumeUnfinished() {
      for (const { resume, handle } of options.registry.unfinished(options.kind)) {
        if (options.isState(resume)) launch(handle, resume);
        else handle.fail(options.lost);
      }
    },
    stopping: stopper.signal,
    idle,
    async stop() {
      stopper.abort(new Error("docsync is stopping."));
      await idle();
    },
  };
}

/** A failure in words a user can act on. */
export function failureText(error: unknown): string {
  return error instanceof CloudError ? describeCloudError(error) : toIpcError(error).message;
}

/** "1 item", "3 items". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
