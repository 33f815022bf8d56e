/**
 * A pass's cloud moves and renames. A move that relocates and renames takes the steps the services
 * accept (neither KDocs nor KooDrive moves and renames in one call): renamed first where the new
 * name is free in the old folder, else through a temporary name. Moves that become ready together
 * into one folder go in one batch call; a batch move is kept with its server task, to be followed
 * after a restart.
 */
import { randomBytes } from "node:crypto";
import type { ServerTaskRef } from "../cloud/provider.ts";
import { isCloudError } from "../cloud/errors.ts";
import { failureWords, ipcFailure } from "../ipc-error.ts";
import { say, type Words } from "../words.ts";
import type { EngineContext, StepContext } from "./engine-context.ts";
import type { Lanes } from "./op-graph.ts";
import type { PairRuntime } from "./pair-runtime.ts";

/** What a pair's batch move keeps with its server task, to follow it after a restart. */
interface MoveContext {
  pairId: string;
  ids: string[];
  targetId: string;
}

/** Where a cloud item is, or goes: its folder's id and its name there. */
export interface CloudPlace {
  parentId: string;
  name: string;
}

/** A name no user file has, to park an item on while the name it goes to is freed. */
export const temporaryName = (name: string): string =>
  `.docsync-${randomBytes(4).toString("hex")}-${name}`.slice(0, 240);

export interface CloudMover {
  /** Moves (and renames) one item; `renameFirst` when the new name is known to be free in the old folder. */
  move(id: string, from: CloudPlace, to: CloudPlace, options?: { renameFirst?: boolean }): Promise<void>;
  /** Parks an item under a temporary name in its folder (the first half of a swap or a cycle). */
  park(id: string, from: CloudPlace): Promise<CloudPlace>;
}

/** Renames take a lane each; a batch move is one call for all the moves ready at that moment. */
export function createCloudMover(
  ctx: EngineContext,
  rt: PairRuntime,
  pass: StepContext,
  lanes: Lanes,
): CloudMover {
  const rename = (id: string, name: string) =>
    lanes.run(() => pass.call(() => pass.provider.rename(id, name, pass.signal))).then(() => {});
  // Moves that become ready in the same turn from one folder into another go as one batch.
  const batches = new Map<string, { sourceId: string; targetId: string; items: Map<string, Waiter> }>();
  interface Waiter {
    resolve(): void;
    reject(error: Error): void;
  }
  const flush = async (key: string): Promise<void> => {
    const batch = batches.get(key)!;
    batches.delete(key);
    const items = [...batch.items];
    for (let at = 0; at < items.length; at += pass.provider.maxMoveBatch) {
      const chunk = items.slice(at, at + pass.provider.maxMoveBatch);
      let failed: Map<string, Words>;
      try {
        failed = await moveBatch(
          ctx,
          rt,
          chunk.map(([id]) => id),
          batch.targetId,
          pass,
        );
      } catch (error) {
        for (const [, waiter] of chunk) waiter.reject(error as Error);
        continue;
      }
      for (const [id, waiter] of chunk) {
        const reason = failed.get(id);
        if (reason === undefined) waiter.resolve();
        else waiter.reject(ipcFailure("conflict", say("core.reason.cloudMoveFailed", { reason })));
      }
    }
  };
  const relocate = (id: string, sourceId: string, targetId: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const key = `${sourceId}\u0000${targetId}`;
      let batch = batches.get(key);
      if (!batch) {
        batch = { sourceId, targetId, items: new Map() };
        batches.set(key, batch);
        setImmediate(() => void flush(key));
      }
      batch.items.set(id, { resolve, reject });
    });

  return {
    async move(id, from, to, options = {}) {
      if (from.parentId === to.parentId) {
        if (from.name !== to.name) await rename(id, to.name);
        return;
      }
      if (from.name === to.name) return relocate(id, from.parentId, to.parentId);
      let renamed = false;
      if (options.renameFirst) {
        try {
          await rename(id, to.name);
          renamed = true;
        } catch (error) {
          if (!isCloudError(error, "conflict")) throw error;
        }
      }
      // The name the item arrives with must be free in the target: a temporary one is.
      if (!renamed) await rename(id, temporaryName(to.name));
      await relocate(id, from.parentId, to.parentId);
      if (!renamed) await rename(id, to.name);
    },
    async park(id, from) {
      const name = temporaryName(from.name);
      await rename(id, name);
      return { parentId: from.parentId, name };
    },
  };
}

/** Moves one batch; returns the ids that did not arrive in the target, with the reason. */
async function moveBatch(
  ctx: EngineContext,
  rt: PairRuntime,
  ids: string[],
  targetId: string,
  pass: StepContext,
): Promise<Map<string, Words>> {
  const failed = new Map<string, Words>();
  try {
    // The same move started before a restart is followed to its end, not started again.
    const saved = savedMove(ctx, rt, ids, targetId);
    const start = saved
      ? { done: false as const, task: saved }
      : await pass.call(() => pass.provider.startMove(ids, targetId, pass.signal));
    if (start.done) return failed;
    const status = await ctx.poller.wait(rt.record.accountId, start.task, {
      signal: pass.signal,
      context: { pairId: rt.record.id, ids, targetId },
    });
    for (const item of status.failed) failed.set(item.id, item.message || `code ${item.code}`);
    if (status.state === "failed" && status.failed.length === 0) {
      for (const id of ids) failed.set(id, status.error?.message ?? say("core.move.serverFailed"));
    }
  } catch (error) {
    if (pass.signal.aborted) throw error;
    for (const id of ids) failed.set(id, failureWords(error));
  }
  // A move that ran before a crash (journal not yet updated) is refused now: check where things are.
  for (const id of [...failed.keys()]) {
    const entry = await pass.call(() => pass.provider.stat(id, pass.signal)).catch(() => undefined);
    if (entry?.parentId === targetId) failed.delete(id);
  }
  return failed;
}

function isMoveContext(value: unknown): value is MoveContext {
  const c = value as MoveContext | undefined;
  return typeof c?.pairId === "string" && typeof c.targetId === "string" && Array.isArray(c.ids);
}

/** The server move of exactly these items into `targetId` that this pair was waiting for, if any. */
function savedMove(
  ctx: EngineContext,
  rt: PairRuntime,
  ids: string[],
  targetId: string,
): ServerTaskRef | undefined {
  const wanted = new Set(ids);
  for (const task of ctx.poller.pending()) {
    const c = task.context;
    if (task.kind !== "move" || !isMoveContext(c) || c.pairId !== rt.record.id) continue;
    if (c.targetId !== targetId || c.ids.length !== wanted.size || !c.ids.every((id) => wanted.has(id)))
      continue;
    return { kind: "move", id: task.id.slice(task.kind.length + 1) };
  }
  return undefined;
}

/** Saved moves of this pair that no longer match anything to do (the plan changed since). */
export function dropStaleMoves(ctx: EngineContext, rt: PairRuntime): void {
  for (const task of ctx.poller.pending()) {
    if (task.kind === "move" && isMoveContext(task.context) && task.context.pairId === rt.record.id)
      ctx.journal.deleteServerTask(task.id);
  }
}
