/**
 * A small in-memory core for tests of the shells and for the UI benchmark: folders with any number
 * of entries, tasks the test drives, and the same numbered event feed as the real core.
 */
import type { EventName, EventPayload, Handlers } from "../../shared/contract.ts";
import {
  isFinalState,
  type AccountView,
  type EntryView,
  type PairView,
  type TaskView,
} from "../../shared/model.ts";
import type { Core, CoreEvent } from "../../electron/core/api.ts";
import { IpcFailure } from "../../electron/core/ipc-error.ts";

export interface FakeCoreOptions {
  /** Entries per folder id (the account's `rootId` is its top folder). */
  folders?: Record<string, EntryView[]>;
  pageSize?: number;
}

export interface FakeCore extends Core {
  readonly calls: { channel: string; input: unknown }[];
  readonly seq: number;
  emit<E extends EventName>(name: E, payload: Omit<EventPayload<E>, "seq">): void;
  /** Adds or replaces tasks and announces them, as the core's coalesced feed does. */
  putTasks(tasks: TaskView[]): void;
}

export const fakeAccount: AccountView = {
  id: "acc-1",
  name: "Team space",
  kind: "kdocs",
  baseUrl: "http://127.0.0.1:9",
  rootId: "0",
  appId: "app-1",
  sandbox: false,
  status: { state: "connected" },
  hasLargeFiles: false,
  hasAccessToken: false,
  capabilities: { zipDownload: true, scripts: true, largeFiles: false },
};

export function fakeEntries(parentId: string, count: number, prefix = "file"): EntryView[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => ({
    id: `${parentId}-${i}`,
    name: `${prefix}-${String(i).padStart(width, "0")}.txt`,
    kind: "file" as const,
    parentId,
    size: 1024 + ((i * 7919) % 10_000_000),
    mtime: 1_700_000_000 + i,
    version: 1,
  }));
}

export function createFakeCore(options: FakeCoreOptions = {}): FakeCore {
  const folders = options.folders ?? { [fakeAccount.rootId]: [] };
  const pageSize = options.pageSize ?? 500;
  const listeners = new Set<(event: CoreEvent) => void>();
  const tasks = new Map<string, TaskView>();
  const calls: { channel: string; input: unknown }[] = [];
  const pairs: PairView[] = [];
  let account: AccountView = fakeAccount;
  let seq = 0;
  let nextTask = 1;

  const emit = <E extends EventName>(name: E, payload: Omit<EventPayload<E>, "seq">) => {
    seq += 1;
    const event = { name, payload: { ...payload, seq } } as unknown as CoreEvent;
    for (const listener of [...listeners]) listener(event);
  };
  const newTask = (kind: TaskView["kind"], title: string): TaskView => {
    const now = Date.now();
    return {
      id: `task-${nextTask++}`,
      kind,
      title,
      state: "queued",
      cancellable: true,
      createdAt: now,
      updatedAt: now,
    };
  };

  /** Adds or replaces tasks and announces them, as the core's coalesced feed does. */
  const finalWaits = new Set<() => void>();
  const putTasks = (list: TaskView[]) => {
    for (const task of list) tasks.set(task.id, task);
    emit("tasks.changed", { tasks: list, removed: [] });
    for (const check of [...finalWaits]) check();
  };
  const startTask = (task: TaskView) => {
    putTasks([task]);
    return { taskId: task.id };
  };

  const answers: Handlers = {
    "app.info": async () => ({ version: "0.0.0-test", shell: "web" as const, canPickFolders: false }),
    "accounts.list": async () => [account],
    "accounts.add": async (input) => ({ ...fakeAccount, id: "acc-2", name: input.name }),
    "accounts.test": async () => account,
    "accounts.check": async () => ({
      accountId: account.id,
      accountName: account.name,
      kind: account.kind,
      baseUrl: account.baseUrl,
      version: "0.0.0-test",
      startedAt: 0,
      finishedAt: 0,
      ok: true,
      steps: [],
    }),
    "accounts.remove": async () => ({ ok: true as const }),
    "accounts.setAccessToken": async (input) => {
      if (input.accountId !== account.id) throw new IpcFailure("not-found", `No account ${input.accountId}`);
      account = { ...account, hasAccessToken: true };
      emit("accounts.changed", { accounts: [account] });
      return account;
    },
    "tree.list": async (input) => {
      const entries = folders[input.folderId];
      if (!entries) throw new IpcFailure("not-found", `No folder ${input.folderId}`);
      const start = input.cursor ? Number(input.cursor) : 0;
      const end = start + pageSize;
      return { entries: entries.slice(start, end), next: end < entries.length ? String(end) : null };
    },
    "tree.createFolder": async (input) => {
      const folder: EntryView = {
        id: `folder-${folders[input.parentId]?.length ?? 0}-${input.name}`,
        name: input.name,
        kind: "folder",
        parentId: input.parentId,
        size: 0,
        mtime: Math.floor(Date.now() / 1000),
        version: 1,
      };
      folders[input.parentId] = [folder, ...(folders[input.parentId] ?? [])];
      folders[folder.id] = [];
      return folder;
    },
    "uploads.fromPaths": async (input) => {
      const created = input.paths.map((path) => newTask("upload", `Upload ${path.split("/").pop()}`));
      putTasks(created);
      return { taskIds: created.map((t) => t.id) };
    },
    "downloads.zip": async (input) =>
      startTask(newTask("download", `Download ${input.entryIds.length} items as zip`)),
    "moves.start": async (input) => startTask(newTask("move", `Move ${input.entryIds.length} items`)),
    "moves.retryFailed": async () => ({ taskId: newTask("move", "Retry").id }),
    "scripts.run": async (input) => {
      const title = input.name ? `Script "${input.name}" on ${input.fileId}` : `Script on ${input.fileId}`;
      return startTask(newTask("script", title));
    },
    "tasks.snapshot": async () => ({ seq, tasks: [...tasks.values()] }),
    "tasks.cancel": async () => ({ ok: true as const }),
    "tasks.clearFinished": async () => ({ ok: true as const }),
    "pairs.list": async () => pairs,
    "pairs.add": async (input) => {
      const pair: PairView = {
        id: `pair-${pairs.length + 1}`,
        accountId: input.accountId,
        localPath: input.localPath,
        remotePath: input.remotePath,
        deletePolicy: input.deletePolicy,
        state: "idle",
        message: "in sync",
        pendingFiles: 0,
        pendingDeletes: 0,
        issues: [],
      };
      pairs.push(pair);
      return pair;
    },
    "pairs.pause": async (input) => ({
      ...pairs.find((p) => p.id === input.pairId)!,
      state: "paused" as const,
    }),
    "pairs.resume": async (input) => pairs.find((p) => p.id === input.pairId)!,
    "pairs.remove": async () => ({ ok: true as const }),
    "pairs.confirmDeletes": async (input) => pairs.find((p) => p.id === input.pairId)!,
    "pairs.getScript": async () => ({ rule: null }),
    "pairs.setScript": async (input) => pairs.find((p) => p.id === input.pairId)!,
    "activity.list": async () => [],
  };

  // Every call is recorded, in order, before it is answered.
  const handlers = Object.fromEntries(
    Object.entries(answers).map(([channel, answer]) => [
      channel,
      (input: unknown) => {
        calls.push({ channel, input });
        return (answer as (input: unknown) => Promise<unknown>)(input);
      },
    ]),
  ) as Handlers;

  return {
    handlers,
    calls,
    get seq() {
      return seq;
    },
    emit,
    putTasks,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenFinal(taskIds) {
      return new Promise((resolve) => {
        const check = () => {
          const found = taskIds.map((id) => tasks.get(id)).filter((t): t is TaskView => t !== undefined);
          if (!found.every((t) => isFinalState(t.state))) return;
          finalWaits.delete(check);
          resolve(found);
        };
        finalWaits.add(check);
        check();
      });
    },
    async close() {
      listeners.clear();
    },
  };
}
