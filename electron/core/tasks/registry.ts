/**
 * The task registry: every long piece of work, its state machine and progress, persisted in the
 * journal, and a coalesced feed of changes for the UIs.
 */
import { randomUUID } from "node:crypto";
import { isFinalState as isFinal, type TaskState, type TaskView } from "../../../shared/model.ts";
import { CloudError } from "../cloud/errors.ts";
import type { Journal } from "../journal/index.ts";
import type { NewTask, TaskBatch, TaskHandle, TaskKind, TaskRegistry } from "./types.ts";

/**
 * Why a task's signal was aborted matters to what the cloud keeps: a cancel frees what the service
 * holds for the work (a half-staged upload), a stop keeps it to continue from there. A cancel's
 * reason is a CloudError of kind "cancelled"; anything else is a stop.
 */
export const cancelledBy = (what: string): CloudError => new CloudError("cancelled", what);

export interface TaskRegistryOptions {
  journal: Journal;
  now?: () => number;
  /** Shortest time between two feed batches (default 100 ms: at most ~10 a second). */
  coalesceMs?: number;
  /** Longest log kept per task. */
  maxLogLines?: number;
}

interface Entry {
  view: TaskView;
  resume: unknown;
  controller: AbortController;
  handle: TaskHandle;
  /** Progress not yet written to the journal (written with the next batch). */
  unsaved: boolean;
  rate?: { time: number; current: number };
}

export function createTaskRegistry(options: TaskRegistryOptions): TaskRegistry {
  const { journal } = options;
  const now = options.now ?? Date.now;
  const coalesceMs = options.coalesceMs ?? 100;
  const maxLogLines = options.maxLogLines ?? 1000;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(batch: TaskBatch) => void>();
  const finalListeners = new Set<(id: string) => void>();
  const ended = (id: string): void => {
    for (const listener of [...finalListeners]) listener(id);
  };
  const changed = new Set<string>();
  const removed = new Set<string>();
  const unfinishedAtStart = new Set<string>();
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastFlush = 0;

  const persist = (entry: Entry): void => {
    entry.unsaved = false;
    journal.putTask(entry.view, entry.resume, isFinal(entry.view.state));
  };

  const flush = (): void => {
    timer = undefined;
    if (changed.size === 0 && removed.size === 0) return;
    lastFlush = Date.now();
    const tasks: TaskView[] = [];
    journal.transaction(() => {
      for (const id of changed) {
        const entry = entries.get(id);
        if (!entry) continue;
        if (entry.unsaved) persist(entry);
        tasks.push(structuredClone(entry.view));
      }
    });
    const batch: TaskBatch = { seq: ++seq, tasks, removed: [...removed] };
    changed.clear();
    removed.clear();
    for (const listener of listeners) listener(batch);
  };

  const schedule = (): void => {
    if (timer) return;
    const wait = Math.max(0, lastFlush + coalesceMs - Date.now());
    timer = setTimeout(flush, wait);
    timer.unref();
  };

  const touch = (entry: Entry, saveNow: boolean): void => {
    entry.view.updatedAt = now();
    if (saveNow) persist(entry);
    else entry.unsaved = true;
    changed.add(entry.view.id);
    schedule();
  };

  const finish = (entry: Entry, state: TaskState, patch: Partial<TaskView>): void => {
    if (isFinal(entry.view.state)) return;
    Object.assign(entry.view, patch, { state });
    delete entry.view.bytesPerSecond;
    delete entry.view.etaSeconds;
    touch(entry, true);
    ended(entry.view.id);
  };

  const makeHandle = (entry: Entry): TaskHandle => ({
    id: entry.view.id,
    signal: entry.controller.signal,
    start(phase) {
      if (isFinal(entry.view.state)) return;
      entry.view.state = "running";
      if (phase !== undefined) entry.view.phase = phase;
      touch(entry, true);
    },
    progress(current, total, unit, phase) {
      if (isFinal(entry.view.state)) return;
      const view = entry.view;
      if (view.state === "queued") view.state = "running";
      if (phase !== undefined && phase !== view.phase) {
        view.phase = phase;
        // A new phase moves at its own pace (staging bytes, then a server import).
        delete entry.rate;
        delete view.bytesPerSecond;
        delete view.etaSeconds;
      }
      view.progress = { current, total, unit };
      const t = now();
      if (!entry.rate || current < entry.rate.current) entry.rate = { time: t, current };
      else if (t - entry.rate.time >= 500) {
        const perSecond = ((current - entry.rate.current) * 1000) / (t - entry.rate.time);
        if (unit === "bytes") view.bytesPerSecond = Math.round(perSecond);
        if (perSecond > 0 && total > current) view.etaSeconds = Math.ceil((total - current) / perSecond);
        entry.rate = { time: t, current };
      }
      touch(entry, false);
    },
    setResume(resume) {
      entry.resume = resume;
      touch(entry, true);
    },
    appendLog(lines) {
      const log = (entry.view.log ??= []);
      log.push(...lines);
      if (log.length > maxLogLines) log.splice(0, log.length - maxLogLines);
      touch(entry, false);
    },
    succeed() {
      const done = entry.view.progress;
      finish(
        entry,
        "succeeded",
        done ? { progress: { ...done, current: Math.max(done.current, done.total) } } : {},
      );
    },
    partial(failedItems, message) {
      finish(entry, "partial", { failedItems, ...(message ? { error: message } : {}) });
    },
    fail(error) {
      finish(entry, "failed", { error });
    },
  });

  const add = (view: TaskView, resume: unknown): Entry => {
    const entry: Entry = { view, resume, controller: new AbortController(), unsaved: false } as Entry;
    entry.handle = makeHandle(entry);
    entries.set(view.id, entry);
    return entry;
  };

  for (const { view, resume } of journal.tasks()) {
    add(view, resume);
    if (!isFinal(view.state)) unfinishedAtStart.add(view.id);
  }

  return {
    create(task: NewTask) {
      const time = now();
      const view: TaskView = {
        id: randomUUID(),
        kind: task.kind,
        title: task.title,
        state: "queued",
        cancellable: task.cancellable,
        createdAt: time,
        updatedAt: time,
        ...(task.accountId !== undefined ? { accountId: task.accountId } : {}),
        ...(task.pairId !== undefined ? { pairId: task.pairId } : {}),
        ...(task.linkedTaskId !== undefined ? { linkedTaskId: task.linkedTaskId } : {}),
      };
      const entry = add(view, task.resume);
      touch(entry, true);
      return entry.handle;
    },
    get(id) {
      const entry = entries.get(id);
      return entry ? structuredClone(entry.view) : undefined;
    },
    unfinished(kind?: TaskKind) {
      return [...unfinishedAtStart]
        .map((id) => entries.get(id))
        .filter(
          (e): e is Entry => !!e && !isFinal(e.view.state) && (kind === undefined || e.view.kind === kind),
        )
        .map((e) => ({ view: structuredClone(e.view), resume: e.resume, handle: e.handle }));
    },
    cancel(id) {
      const entry = entries.get(id);
      if (!entry) throw new Error(`No task ${id}.`);
      if (isFinal(entry.view.state)) return;
      if (!entry.view.cancellable) throw new Error(`The task "${entry.view.title}" cannot be cancelled.`);
      entry.controller.abort(cancelledBy("The task was cancelled."));
      finish(entry, "cancelled", {});
    },
    snapshot() {
      flush();
      return { seq, tasks: [...entries.values()].map((e) => structuredClone(e.view)) };
    },
    clearFinished() {
      const cleared: string[] = [];
      journal.transaction(() => {
        for (const [id, entry] of entries) {
          if (!isFinal(entry.view.state)) continue;
          entries.delete(id);
          changed.delete(id);
          removed.add(id);
          cleared.push(id);
          journal.deleteTask(id);
        }
      });
      for (const id of cleared) ended(id);
      schedule();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onFinal(listener) {
      finalListeners.add(listener);
      return () => finalListeners.delete(listener);
    },
    close() {
      if (timer) clearTimeout(timer);
      flush();
    },
  };
}
