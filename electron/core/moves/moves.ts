/**
 * Batch moves as jobs: the entries are grouped by source folder, sent in chunks the API takes, and
 * waited for through the shared poller. Items that fail become the task's failed items, in words,
 * and can be retried as a new move.
 */
import PQueue from "p-queue";
import { rootEntry } from "../accounts/remote-tree.ts";
import { CloudError } from "../cloud/errors.ts";
import {
  waitingPhase,
  type CloudProvider,
  type RemoteEntry,
  type ServerTaskRef,
  type ServerTaskStatus,
} from "../cloud/provider.ts";
import { ipcFailure } from "../ipc-error.ts";
import { isFinalState } from "../../../shared/model.ts";
import type { Job, JobRunner } from "../tasks/runner.ts";
import { failureText, plural } from "../tasks/words.ts";
import { planMoveChunks } from "./plan.ts";

export interface MoveSpec {
  accountId: string;
  entryIds: string[];
  targetFolderId: string;
}

export interface FailedItem {
  id: string;
  name: string;
  reason: string;
}

/** Persisted with the task so a move interrupted by a restart continues where it was. */
interface MoveResume extends MoveSpec {
  names: Record<string, string>;
  settled: string[];
  failed: FailedItem[];
  running?: { ref: ServerTaskRef; ids: string[]; sourceFolderId: string };
}

export interface MoveDeps {
  runner: JobRunner;
  providerFor(accountId: string): CloudProvider;
  /** Called when a move ends, with the folders whose content changed. */
  onFoldersChanged(accountId: string, folderIds: string[]): void;
  /** Keeps what a retry needs after the task is finished (and after a restart). */
  remember(taskId: string, spec: { accountId: string; targetFolderId: string }): void;
  recall(taskId: string): { accountId: string; targetFolderId: string } | undefined;
  /** Writes a line to the activity log. */
  log?(level: "info" | "warn", text: string, accountId: string): void;
}

export interface Moves {
  start(spec: MoveSpec): Promise<{ taskId: string }>;
  retryFailed(taskId: string): Promise<{ taskId: string }>;
}

const STAT_CONCURRENCY = 8;

export function createMoves(deps: MoveDeps): Moves {
  const { registry } = deps.runner;
  const moveJob = deps.runner.declare<MoveResume>({
    kind: "move",
    parse: (saved) =>
      saved && Array.isArray((saved as Partial<MoveResume>).entryIds) ? (saved as MoveResume) : undefined,
    lost: "The move's details were lost; start it again.",
    run,
  });

  async function run(job: Job<MoveResume>): Promise<void> {
    const { handle, signal } = job;
    const state = structuredClone(job.state);
    const total = state.entryIds.length;
    const interrupted = () => signal.aborted;
    const touched = new Set<string>([state.targetFolderId]);
    const save = () => job.save(state);
    const report = (extra = 0, phase = "moving") =>
      handle.progress(state.settled.length + state.failed.length + extra, total, "items", phase);
    const fail = (ids: string[], reason: string) => {
      for (const id of ids) state.failed.push({ id, name: state.names[id] ?? id, reason });
    };
    const wait = (ref: ServerTaskRef) =>
      job.waitFor(state.accountId, ref, (current, _total, status) =>
        report(current, status?.unknownStatus ? waitingPhase(status.unknownStatus) : "moving"),
      );
    const itemReason = (code: number, message: string) =>
      deps.providerFor(state.accountId).describeItemFailure({ code, message });
    const applyStatus = (ids: string[], status: ServerTaskStatus) => {
      const failedById = new Map(status.failed.map((item) => [item.id, item]));
      for (const id of ids) {
        const item = failedById.get(id);
        if (item) fail([id], itemReason(item.code, item.message));
        else if (status.state === "failed") {
          fail(
            [id],
            status.error
              ? itemReason(status.error.code, status.error.message)
              : "the server could not move it",
          );
        } else state.settled.push(id);
      }
    };

    try {
      const provider = deps.providerFor(state.accountId);
      handle.start("checking");
      if (state.running) {
        const { ref, ids, sourceFolderId } = state.running;
        touched.add(sourceFolderId);
        const status = await wait(ref);
        state.running = undefined;
        applyStatus(ids, status);
        save();
      }

      const done = new Set([...state.settled, ...state.failed.map((f) => f.id)]);
      const pending = state.entryIds.filter((id) => !done.has(id));
      report(0, "checking");
      const entries: RemoteEntry[] = [];
      const queue = new PQueue({ concurrency: STAT_CONCURRENCY });
      await queue.addAll(
        pending.map((id) => async () => {
          try {
            const entry = await provider.stat(id, signal);
            state.names[id] = entry.name;
            entries.push(entry);
          } catch (error) {
            if (error instanceof CloudError && error.kind === "not-found") fail([id], "it no longer exists");
            else if (interrupted()) throw error;
            else fail([id], failureText(error));
          }
        }),
      );
      // Keep the user's order within each source folder.
      const order = new Map(state.entryIds.map((id, index) => [id, index]));
      entries.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      const plan = planMoveChunks(entries, state.targetFolderId, provider.maxMoveBatch);
      state.settled.push(...plan.alreadyThere);
      fail(plan.intoItself, "a folder cannot move into itself");
      save();
      report();

      for (const chunk of plan.chunks) {
        signal.throwIfAborted();
        touched.add(chunk.sourceFolderId);
        try {
          const started = await provider.startMove(chunk.ids, state.targetFolderId, signal);
          if (started.done) {
            state.settled.push(...chunk.ids);
          } else {
            state.running = { ref: started.task, ids: chunk.ids, sourceFolderId: chunk.sourceFolderId };
            save();
            const status = await wait(started.task);
            state.running = undefined;
            applyStatus(chunk.ids, status);
          }
        } catch (error) {
          if (interrupted()) throw error;
          state.running = undefined;
          fail(chunk.ids, failureText(error));
        }
        save();
        report();
      }

      const title = registry.get(handle.id)?.title ?? "Move";
      if (state.failed.length === 0) {
        handle.succeed();
        deps.log?.("info", `${title}: done`, state.accountId);
      } else {
        const moved = total - state.failed.length;
        const message = `${plural(moved, "item")} moved, ${plural(state.failed.length, "item")} could not be moved`;
        handle.partial(state.failed, message);
        deps.log?.("warn", `${title}: ${message}`, state.accountId);
      }
    } catch (error) {
      // A cancelled task is already final in the registry, and a stopped one resumes at the next start;
      // anything else is a failure of the whole move.
      if (!interrupted()) handle.fail(failureText(error));
    } finally {
      if (!job.stopping.aborted) deps.onFoldersChanged(state.accountId, [...touched]);
    }
  }

  function launch(spec: MoveSpec, title: string, names: Record<string, string>): string {
    const state: MoveResume = { ...spec, names, settled: [], failed: [] };
    const taskId = moveJob.start({ title, accountId: spec.accountId, cancellable: true }, state);
    deps.remember(taskId, { accountId: spec.accountId, targetFolderId: spec.targetFolderId });
    return taskId;
  }

  async function targetFolder(spec: MoveSpec): Promise<RemoteEntry> {
    const provider = deps.providerFor(spec.accountId);
    if (spec.targetFolderId === provider.rootId) return rootEntry(provider);
    const target = await provider.stat(spec.targetFolderId);
    if (target.kind !== "folder")
      throw ipcFailure("invalid-input", `"${target.name}" is a file, not a folder.`);
    return target;
  }

  const titleFor = (count: number, target: RemoteEntry) =>
    `Move ${plural(count, "item")} to ${target.name ? `"${target.name}"` : "the top folder"}`;

  return {
    async start(spec) {
      const entryIds = [...new Set(spec.entryIds)];
      const target = await targetFolder(spec);
      return { taskId: launch({ ...spec, entryIds }, titleFor(entryIds.length, target), {}) };
    },

    async retryFailed(taskId) {
      const view = registry.get(taskId);
      if (!view || view.kind !== "move") throw ipcFailure("not-found", `There is no move task ${taskId}.`);
      if (!isFinalState(view.state)) {
        throw ipcFailure("conflict", "This move is still running; retry its failed items when it ends.");
      }
      const failed = view.failedItems ?? [];
      if (failed.length === 0)
        throw ipcFailure("invalid-input", "No item of this move failed; there is nothing to retry.");
      const spec = deps.recall(taskId);
      if (!spec) throw ipcFailure("not-found", "The details of this move are gone; start the move again.");
      const full: MoveSpec = { ...spec, entryIds: failed.map((item) => item.id) };
      const target = await targetFolder(full);
      const names = Object.fromEntries(failed.map((item) => [item.id, item.name]));
      return { taskId: launch(full, titleFor(failed.length, target), names) };
    },
  };
}
