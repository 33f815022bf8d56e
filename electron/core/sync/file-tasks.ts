/**
 * A pair's large files get an upload task of their own next to the pass's sync task, so a 4 GiB
 * video shows its bytes, speed and time left, and its phases (staging, then the server's import).
 * The task is made when the upload reports its first phase: a file that cannot start (an account
 * without large-file storage) shows only as the pair's issue, not as a new failed task per retry.
 * The task survives a restart and is picked up again when the file's upload resumes.
 */
import { isFinalState } from "../../../shared/model.ts";
import type { NewTask, TaskHandle, TaskRegistry } from "../tasks/types.ts";
import { say, type Words } from "../words.ts";
import type { UploadOrigin } from "./upload-job.ts";

/** Files at least this big get their own task, whatever path their upload takes. */
export const ownTaskBytes = 64 * 1024 * 1024;

export interface FileTaskTracker {
  onPhase(phase: string): void;
  onProgress(current: number, total: number): void;
  /** The file's task, once it has one. */
  readonly taskId: string | undefined;
  succeed(): void;
  fail(reason: Words): void;
}

/** What became of a file whose task was left open (by a restart or an interrupted pass). */
export type FileFate = { synced: true } | { gone: true } | { failed: Words } | { pending: true };

export interface FileTasks {
  /** An unfinished file task found at start-up: the pair's next upload of the file takes it up. */
  adopt(handle: TaskHandle, origin: Extract<UploadOrigin, { from: "pair" }>): void;
  track(pair: { id: string; accountId: string }, path: string, size: number): FileTaskTracker;
  /** Ends the pair's open file tasks that no upload took up, by what became of their file. */
  settle(pairId: string, fate: (path: string) => FileFate): void;
  /** Ends every open file task of the pair. */
  dropPair(pairId: string, reason: Words): void;
}

const keyOf = (pairId: string, path: string): string => `${pairId}\u0000${path}`;

export function createFileTasks(deps: {
  tasks: TaskRegistry;
  /** Creates a file's upload task (a job its pair's passes run). */
  create(task: Omit<NewTask, "kind" | "resume">, origin: UploadOrigin): TaskHandle;
  pairExists(pairId: string): boolean;
}): FileTasks {
  const { tasks } = deps;
  const open = new Map<string, { handle: TaskHandle; pairId: string; path: string }>();
  const isOpen = (handle: TaskHandle): boolean => {
    const view = tasks.get(handle.id);
    return view !== undefined && !isFinalState(view.state);
  };

  return {
    adopt(handle, origin) {
      if (deps.pairExists(origin.pairId))
        open.set(keyOf(origin.pairId, origin.path), { handle, pairId: origin.pairId, path: origin.path });
      else handle.fail(say("core.file.pairRemoved"));
    },

    track(pair, path, size) {
      const key = keyOf(pair.id, path);
      const found = open.get(key);
      let handle = found && isOpen(found.handle) ? found.handle : undefined;
      let phase: string | undefined;
      const close = (): void => {
        if (handle && open.get(key)?.handle === handle) open.delete(key);
      };
      return {
        onPhase(next) {
          if (!handle && size < ownTaskBytes && next !== "staging" && next !== "importing") return;
          if (!handle) {
            handle = deps.create(
              {
                title: say("core.task.upload", { path }),
                accountId: pair.accountId,
                pairId: pair.id,
                // The pair decides what is uploaded: pausing the pair stops it.
                cancellable: false,
              },
              { from: "pair", pairId: pair.id, path },
            );
            open.set(key, { handle, pairId: pair.id, path });
          }
          if (next === phase) return;
          phase = next;
          handle.start(next);
          // The bar starts again for the new phase; its total comes with the phase's first report.
          handle.progress(0, -1, "bytes", next);
        },
        onProgress(current, total) {
          if (handle && phase) handle.progress(current, total, "bytes", phase);
        },
        get taskId() {
          return handle?.id;
        },
        succeed() {
          handle?.succeed();
          close();
        },
        fail(reason) {
          handle?.fail(reason);
          close();
        },
      };
    },

    settle(pairId, fate) {
      for (const [key, entry] of open) {
        if (entry.pairId !== pairId) continue;
        if (!isOpen(entry.handle)) {
          open.delete(key);
          continue;
        }
        const what = fate(entry.path);
        if ("pending" in what) continue;
        if ("synced" in what) entry.handle.succeed();
        else entry.handle.fail("gone" in what ? say("core.file.notInFolder") : what.failed);
        open.delete(key);
      }
    },

    dropPair(pairId, reason) {
      for (const [key, entry] of open) {
        if (entry.pairId !== pairId) continue;
        entry.handle.fail(reason);
        open.delete(key);
      }
    },
  };
}
