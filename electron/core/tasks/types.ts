/** The task registry's contract: the store under the job runner (views, saved state, the feed). */
import type { TaskView } from "../../../shared/model.ts";

export type TaskKind = TaskView["kind"];

export interface NewTask {
  kind: TaskKind;
  title: string;
  accountId?: string;
  pairId?: string;
  /** The task this one follows from (TaskView.linkedTaskId). */
  linkedTaskId?: string;
  cancellable: boolean;
  /** Opaque data the owner needs to resume the task after a restart (persisted as JSON). */
  resume?: unknown;
}

export interface TaskHandle {
  readonly id: string;
  readonly signal: AbortSignal;
  start(phase?: string): void;
  progress(current: number, total: number, unit: "bytes" | "items" | "percent", phase?: string): void;
  /** Replaces the persisted resume data (e.g. after an OST slice is acknowledged). */
  setResume(resume: unknown): void;
  appendLog(lines: { level: string; text: string; time: number }[]): void;
  succeed(): void;
  partial(failedItems: { id: string; name: string; reason: string }[], message?: string): void;
  fail(error: string): void;
}

/** `seq` numbers the batches; it matches `snapshot().seq` once the batch is delivered. */
export interface TaskBatch {
  seq: number;
  tasks: TaskView[];
  removed: string[];
}

export interface TaskRegistry {
  create(task: NewTask): TaskHandle;
  get(id: string): TaskView | undefined;
  /** Unfinished tasks found in the journal at start-up, for their owners to resume. */
  unfinished(kind?: TaskKind): { view: TaskView; resume: unknown; handle: TaskHandle }[];
  cancel(id: string): void;
  snapshot(): { seq: number; tasks: TaskView[] };
  clearFinished(): void;
  /** Coalesced, numbered batches of changed tasks (final states always delivered). */
  subscribe(listener: (batch: TaskBatch) => void): () => void;
  /** Called at once when a task becomes final or is cleared away. */
  onFinal(listener: (id: string) => void): () => void;
  /** Delivers pending batches now and stops the coalescing timer. */
  close(): void;
}
