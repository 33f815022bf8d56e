/**
 * A pass's moves and renames: server moves grouped by source folder and target (one batch call
 * each), then renames. A batch move is kept with its server task, to be followed after a restart.
 */
import type { ServerTaskRef } from "../cloud/provider.ts";
import type { FileRecord } from "../journal/index.ts";
import { baseName, errorText, type EngineContext, type StepContext } from "./engine-context.ts";
import { markLanded, movedInMemory, putFile, type PairRuntime } from "./pair-runtime.ts";
import { parentOf, type Plan } from "./plan.ts";

/** What a pair's batch move keeps with its server task, to follow it after a restart. */
interface MoveContext {
  pairId: string;
  ids: string[];
  targetId: string;
}

/** Server moves grouped by source folder and target (one batch call each), then renames. */
export async function runMoves(
  ctx: EngineContext,
  rt: PairRuntime,
  plan: Plan,
  pass: StepContext & { ensureLocalFolder(path: string): Promise<string> },
): Promise<void> {
  const folders = rt.folders!;
  const items = [
    ...plan.folderMoves.map((m) => ({ ...m, folder: true, id: folders.get(m.from), move: undefined })),
    ...plan.moves.map((m) => ({
      from: m.from,
      to: m.to,
      folder: false,
      id: m.record.remoteId ?? undefined,
      move: m,
    })),
  ];
  const groups = new Map<string, typeof items>();
  for (const item of items) {
    const key = `${parentOf(item.from)}\u0000${parentOf(item.to)}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    const sameFolder = parentOf(first.from) === parentOf(first.to);
    let moved = group.filter((i) => i.id);
    for (const i of group) if (!i.id) pass.fail(i.to, "the cloud copy of the moved item is unknown");
    if (!sameFolder) {
      let targetId: string;
      try {
        targetId = await pass.ensureLocalFolder(parentOf(first.to));
      } catch (error) {
        if (pass.signal.aborted) throw error;
        for (const i of moved) pass.fail(i.to, `cannot create the cloud folder: ${errorText(error)}`);
        continue;
      }
      const ok: typeof moved = [];
      for (let at = 0; at < moved.length; at += pass.provider.maxMoveBatch) {
        const batch = moved.slice(at, at + pass.provider.maxMoveBatch);
        const failedIds = await moveBatch(
          ctx,
          rt,
          batch.map((i) => i.id!),
          targetId,
          pass,
        );
        for (const i of batch) {
          if (failedIds.has(i.id!)) pass.fail(i.to, `the cloud move failed: ${failedIds.get(i.id!)}`);
          else ok.push(i);
        }
      }
      moved = ok;
    }
    for (const item of moved) {
      if (baseName(item.from) !== baseName(item.to)) {
        try {
          await pass.call(() => pass.provider.rename(item.id!, baseName(item.to), pass.signal));
          pass.summary.renamed += 1;
        } catch (error) {
          if (pass.signal.aborted) throw error;
          pass.fail(item.to, `the cloud rename failed: ${errorText(error)}`);
          // The server move happened: record the new folder under the old name.
          const halfway = `${parentOf(item.to) ? parentOf(item.to) + "/" : ""}${baseName(item.from)}`;
          if (!sameFolder) recordMove(ctx, rt, item.from, halfway, item.folder, item.move?.local);
          pass.step();
          continue;
        }
      }
      if (!sameFolder) pass.summary.moved += 1;
      recordMove(ctx, rt, item.from, item.to, item.folder, item.move?.local);
      pass.step();
    }
  }
}

function recordMove(
  ctx: EngineContext,
  rt: PairRuntime,
  from: string,
  to: string,
  folder: boolean,
  local?: FileRecord | { size: number; mtimeMs: number; ino: number },
): void {
  const { journal } = ctx;
  markLanded(rt, from);
  journal.transaction(() => {
    journal.movePath(rt.record.id, from, to, folder);
    movedInMemory(rt, from, to, folder);
    markLanded(rt, to);
    if (!folder && local) {
      const record = journal.file(rt.record.id, to);
      if (record) putFile(ctx, rt, { ...record, size: local.size, mtimeMs: local.mtimeMs, ino: local.ino });
    }
  });
}

/** Moves one batch; returns the ids that did not arrive in the target, with the reason. */
async function moveBatch(
  ctx: EngineContext,
  rt: PairRuntime,
  ids: string[],
  targetId: string,
  pass: StepContext,
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
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
      for (const id of ids) failed.set(id, status.error?.message ?? "the move task failed");
    }
  } catch (error) {
    if (pass.signal.aborted) throw error;
    for (const id of ids) failed.set(id, errorText(error));
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
