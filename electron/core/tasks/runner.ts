/**
 * The one owner of background work. Each kind of job (an upload, a batch move, a zip download, a
 * script) is declared once: how it runs, what it saves, how it takes up again after a restart.
 * The runner starts jobs, keeps their tasks (state, progress, saved state) in the registry,
 * resumes the unfinished ones at start-up, cancels them, stops them (their tasks stay unfinished,
 * to resume at the next start) and tells when tasks are final. While a job runs or anything waits
 * on `whenFinal`, the process stays alive by itself.
 */
import { isFinalState, type TaskView } from "../../../shared/model.ts";
import type { ServerTaskRef, ServerTaskStatus, TaskProgress } from "../cloud/provider.ts";
import { holdProcess } from "./keep-alive.ts";
import type { TaskPoller } from "./poller.ts";
import type { NewTask, TaskHandle, TaskKind, TaskRegistry } from "./types.ts";
import { failureText } from "./words.ts";

export interface Job<S> {
  readonly id: string;
  /** Phases, progress, log lines and the end of the job's task. */
  readonly handle: TaskHandle;
  /** The saved state the job started (or resumed) with, as last saved. */
  readonly state: S;
  /** Saves the job's state with its task: a restart resumes from the last one saved. */
  save(state: S): void;
  /**
   * Aborted when the task is cancelled (its reason a "cancelled" CloudError: what the service holds
   * for the job is freed) or when the runner stops (any other reason: kept, to resume).
   */
  readonly signal: AbortSignal;
  /** Aborted only when the runner stops (the job then leaves its task unfinished, to resume). */
  readonly stopping: AbortSignal;
  /** Follows a server task to its end through the shared poller (kept for a restart meanwhile). */
  waitFor(accountId: string, task: ServerTaskRef, onProgress?: TaskProgress): Promise<ServerTaskStatus>;
}

export interface JobKind<S> {
  /** The task kind; a restart hands each unfinished task to the declaration of its kind. */
  readonly kind: TaskKind;
  /** The saved state, checked; undefined when it cannot be used any more. */
  parse(saved: unknown): S | undefined;
  /** What a task whose saved state cannot be used fails with. */
  readonly lost: string;
  /**
   * The work. It ends its task through `job.handle`; a throw fails the task in words, unless the
   * job was cancelled (the task is final already) or stopped (it stays unfinished, to resume).
   */
  run(job: Job<S>): Promise<void>;
  /**
   * Takes up an unfinished task after a restart; by default it runs again. A job whose work belongs
   * to someone else (a pair's file, uploaded by the pair's next pass) hands it over instead.
   */
  resume?(job: Job<S>): "run" | "handed-over";
}

/** A declared kind of job. */
export interface JobType<S> {
  /** Creates the task and runs the job in the background. */
  start(task: Omit<NewTask, "kind" | "resume">, state: S): string;
  /** Creates the task for work its caller runs itself (it ends the task through the handle). */
  open(task: Omit<NewTask, "kind" | "resume">, state: S): Job<S>;
  /** Runs an opened job's work in the background (after the caller's own first step). */
  launch(job: Job<S>): void;
}

export interface JobRunner {
  declare<S>(kind: JobKind<S>): JobType<S>;
  /** Takes up every unfinished task of the declared kinds (once, after every kind is declared). */
  resumeUnfinished(): void;
  cancel(taskId: string): void;
  /**
   * Resolves with the tasks once every one is final (a task cleared away counts as final), holding
   * the process alive meanwhile. `onChange` sees the tasks as they change.
   */
  whenFinal(taskIds: string[], onChange?: (tasks: TaskView[]) => void): Promise<TaskView[]>;
  /** Resolves when every job started so far has ended. */
  idle(): Promise<void>;
  /** Stops every job where it is; their tasks stay unfinished, to resume at the next start. */
  stop(): Promise<void>;
  readonly registry: TaskRegistry;
  readonly poller: TaskPoller;
}

const stopped = (): Error =>
  new Error("docsync stopped before these tasks ended; they go on at the next start.");

export function createJobRunner(deps: {
  registry: TaskRegistry;
  poller: TaskPoller;
  /** Failures of background work nobody awaits. */
  onError?: (error: unknown) => void;
}): JobRunner {
  const { registry, poller } = deps;
  const report = deps.onError ?? ((error: unknown) => console.error(error));
  const kinds = new Map<TaskKind, JobKind<unknown>>();
  const running = new Set<Promise<void>>();
  /** Pending `whenFinal` calls, ended when the runner stops. */
  const waiting = new Set<(error: Error) => void>();
  const stopper = new AbortController();
  let resumed = false;

  const jobOf = <S>(handle: TaskHandle, state: S): Job<S> => {
    let current = state;
    const signal = AbortSignal.any([handle.signal, stopper.signal]);
    return {
      id: handle.id,
      handle,
      get state() {
        return current;
      },
      save(next) {
        current = next;
        handle.setResume(next);
      },
      signal,
      stopping: stopper.signal,
      waitFor: (accountId, task, onProgress) =>
        poller.wait(accountId, task, { signal, taskId: handle.id, ...(onProgress ? { onProgress } : {}) }),
    };
  };

  const launch = <S>(kind: JobKind<S>, job: Job<S>): void => {
    const release = holdProcess();
    const run: Promise<void> = (async () => {
      try {
        if (job.signal.aborted) return;
        await kind.run(job);
      } catch (error) {
        if (job.signal.aborted) return;
        job.handle.fail(failureText(error));
        report(error);
      }
    })().finally(() => {
      running.delete(run);
      release();
    });
    running.add(run);
  };

  const idle = async (): Promise<void> => {
    while (running.size > 0) await Promise.allSettled([...running]);
  };

  return {
    registry,
    poller,
    declare<S>(kind: JobKind<S>): JobType<S> {
      kinds.set(kind.kind, kind as JobKind<unknown>);
      const create = (task: Omit<NewTask, "kind" | "resume">, state: S) =>
        jobOf(registry.create({ ...task, kind: kind.kind, resume: state }), state);
      return {
        start(task, state) {
          if (stopper.signal.aborted) throw new Error("docsync is stopping; no new work starts.");
          const job = create(task, state);
          launch(kind, job);
          return job.id;
        },
        open: create,
        launch: (job) => launch(kind, job),
      };
    },

    resumeUnfinished() {
      if (resumed) return;
      resumed = true;
      for (const { view, resume, handle } of registry.unfinished()) {
        const kind = kinds.get(view.kind);
        if (!kind) continue;
        const state = kind.parse(resume);
        if (state === undefined) {
          handle.fail(kind.lost);
          continue;
        }
        const job = jobOf(handle, state);
        if ((kind.resume?.(job) ?? "run") === "run") launch(kind, job);
      }
    },

    cancel(taskId) {
      registry.cancel(taskId);
    },

    whenFinal(taskIds, onChange) {
      const current = (): TaskView[] =>
        taskIds.map((id) => registry.get(id)).filter((task): task is TaskView => task !== undefined);
      const over = (): boolean =>
        taskIds.every((id) => {
          const task = registry.get(id);
          return !task || isFinalState(task.state);
        });
      if (over()) {
        const tasks = current();
        onChange?.(tasks);
        return Promise.resolve(tasks);
      }
      if (stopper.signal.aborted) return Promise.reject(stopped());
      const release = holdProcess();
      return new Promise<TaskView[]>((resolve, reject) => {
        const wanted = new Set(taskIds);
        const end = (): void => {
          for (const unsubscribe of unsubscribers) unsubscribe();
          waiting.delete(abandon);
          release();
        };
        const abandon = (error: Error): void => {
          end();
          reject(error);
        };
        const unsubscribers = [
          registry.subscribe((batch) => {
            if (batch.tasks.some((task) => wanted.has(task.id))) onChange?.(current());
          }),
          registry.onFinal((id) => {
            if (!wanted.has(id) || !over()) return;
            end();
            const tasks = current();
            onChange?.(tasks);
            resolve(tasks);
          }),
        ];
        waiting.add(abandon);
        onChange?.(current());
      });
    },

    idle,

    async stop() {
      stopper.abort(new Error("docsync is stopping."));
      for (const abandon of [...waiting]) abandon(stopped());
      await idle();
    },
  };
}
