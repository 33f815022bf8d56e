/**
 * A pass's operations in the order their names need, run as a dependency graph. Every cloud item
 * sits in a slot (its folder's id and its name); an operation that takes a slot waits for the one
 * that frees it (a delete, a move or rename away); a swap or a cycle parks one item on a temporary
 * name first. A new folder exists before anything goes into it; a folder's move carries what is in
 * it; a deleted folder goes after what moves out of it. The journal follows each operation by the
 * cloud id, so operations that do not need each other may run in any order and overlap.
 */
import { isCloudError } from "../cloud/errors.ts";
import type { FileRecord } from "../journal/index.ts";
import { baseName, isBelow, type EngineContext, type StepContext } from "./engine-context.ts";
import type { Lanes, OpGraph, OpNode } from "./op-graph.ts";
import {
  folderPathOf,
  forgetFile,
  forgetFolder,
  markLanded,
  movedInMemory,
  putFile,
  type PairRuntime,
} from "./pair-runtime.ts";
import { createCloudMover, type CloudPlace } from "./pass-moves.ts";
import { parentOf, type FileMove, type FolderMove, type Plan, type UploadItem } from "./plan.ts";
import { ensureFolder } from "./remote.ts";
import { statPath, type FileId } from "./scan.ts";
import { beginCreate, endCreate } from "./write-ahead.ts";

/** An operation before it is placed in the graph. */
interface Op {
  path: string;
  /** The slot it frees when it starts (its item leaves it) and the one it takes. */
  frees?: string;
  takes?: string;
  /** Operations it needs besides the one freeing its slot. */
  needs: Op[];
  /** A move split in two: this half parks the item; `arrive` is the other half. */
  run(): Promise<void>;
  /**
   * Its calls take lanes themselves (a move, a park): held in a lane while they wait for one, they
   * would wait forever once the service cut the lanes to one.
   */
  ownLanes?: true;
  node?: OpNode;
  move?: {
    kind: "file" | "folder";
    id: string;
    from: CloudPlace;
    to: CloudPlace;
    path: string;
    plan: FileMove | FolderMove;
  };
}

export interface PassOperations {
  /** The cloud folder at a final local path, creating it (and what is missing above it) if needed. */
  folderId(path: string): Promise<string>;
  /** The operations a new file at this path waits for (its folder's creation, the freeing of its name). */
  needsOfNew(path: string): OpNode[];
  /** Adds an operation to the running graph. */
  graph: OpGraph;
}

export interface OperationTools extends StepContext {
  graph: OpGraph;
  lanes: Lanes;
  /** Runs a new version's upload (the pair's one upload). */
  upload(item: UploadItem, folderId: (path: string) => Promise<string>): Promise<void>;
  /** Whether the plan's deletes go ahead this pass (mirror pairs, past the mass-delete guard). */
  deletes: "mirror" | "held" | "forget";
}

const slotOf = (parentId: string, name: string): string => `${parentId}\u0000${name}`;

/** Builds the plan's operations, puts them in the graph in an order with every dependency first. */
export function startOperations(
  ctx: EngineContext,
  rt: PairRuntime,
  plan: Plan,
  tools: OperationTools,
): PassOperations {
  const { journal } = ctx;
  const { record } = rt;
  const rootId = record.remoteRootId!;
  const known = rt.folders!;
  const created = new Map<string, Promise<string>>();
  const mover = createCloudMover(ctx, rt, tools, tools.lanes);

  /** The slot key of a known item's current place (its folder as the journal knows it). */
  const currentParent = (path: string): string => {
    const parent = parentOf(path);
    return parent === "" ? rootId : (known.get(parent)?.remoteId ?? `path:${parent}`);
  };
  /** The slot key of a final place (a known folder where it ends up, or a folder this pass creates). */
  const finalParent = (path: string): string => {
    const parent = parentOf(path);
    return parent === "" ? rootId : (plan.finalFolders.get(parent) ?? `new:${parent}`);
  };

  const folderId = async (path: string): Promise<string> => {
    if (path === "") return rootId;
    const final = plan.finalFolders.get(path) ?? known.get(path)?.remoteId;
    if (final) return final;
    let pending = created.get(path);
    if (!pending) {
      pending = (async () => {
        const parentId = await folderId(parentOf(path));
        return createFolder(
          path,
          parentId,
          ctx.journal.folders(record.id).find((f) => f.path === path),
        );
      })();
      created.set(path, pending);
      pending.catch(() => created.delete(path));
    }
    return pending;
  };

  const createFolder = async (path: string, parentId: string, id?: FileId): Promise<string> => {
    beginCreate(ctx, rt, { path, kind: "folder", parentId, name: baseName(path), size: null, md5: null });
    const folder = await tools.call(() =>
      ensureFolder(tools.provider, parentId, baseName(path), tools.signal),
    );
    const identity = id ?? { dev: 0, ino: 0, btimeMs: 0 };
    journal.transaction(() => {
      journal.putFolder(record.id, { path, remoteId: folder.id, ...identity });
      endCreate(ctx, rt, path);
    });
    known.set(path, { remoteId: folder.id, ...identity });
    rt.landed.add(parentId);
    return folder.id;
  };

  const ops: Op[] = [];
  const mkdirs = new Map<string, Op>();
  /** Folders moving into place this pass, by their final path. */
  const arrivals = new Map<string, Op>();
  /** A move split in two: what needed the move needs its arrival. */
  const replaced = new Map<Op, Op>();
  const current = (op: Op): Op => replaced.get(op) ?? op;
  /**
   * What must happen before something is written at `path`: the creation of each new folder above
   * it, and the arrival of each folder above it that moves (until then the journal may still give
   * that folder's path to the one leaving it).
   */
  const needsAbove = (path: string): Op[] => {
    const needs: Op[] = [];
    for (let folder = parentOf(path); folder !== ""; folder = parentOf(folder)) {
      const op = mkdirs.get(folder) ?? arrivals.get(folder);
      if (op) needs.push(op);
    }
    return needs;
  };
  /** The local path a cloud folder mirrors at the end of the pass. */
  const finalPathOf = new Map([...plan.finalFolders].map(([path, id]) => [id, path]));
  finalPathOf.set(rootId, "");
  for (const folder of plan.newFolders) {
    const op: Op = {
      path: folder.path,
      takes: slotOf(finalParent(folder.path), baseName(folder.path)),
      needs: [],
      run: async () => {
        const parentId = await folderId(parentOf(folder.path));
        const pending = createFolder(folder.path, parentId, folder.id);
        created.set(folder.path, pending);
        await pending;
      },
    };
    mkdirs.set(folder.path, op);
    ops.push(op);
  }

  const moveOp = (kind: "file" | "folder", move: FileMove | FolderMove, id: string): Op => {
    const from = { parentId: currentParent(move.from), name: baseName(move.from) };
    const to = { parentId: finalParent(move.to), name: baseName(move.to) };
    const op: Op = {
      path: move.to,
      frees: slotOf(from.parentId, from.name),
      takes: slotOf(to.parentId, to.name),
      needs: [],
      move: { kind, id, from, to, path: move.to, plan: move },
      run: async () => {
        const target = { parentId: await folderId(parentOf(move.to)), name: to.name };
        // Renamed first only where nothing else takes the new name in the old folder: no
        // operation of this pass, and no local file or folder there.
        const sourceFolder = finalPathOf.get(from.parentId);
        const renameFirst =
          !takers.has(slotOf(from.parentId, to.name)) &&
          (sourceFolder === undefined ||
            statPath(record.localPath, sourceFolder === "" ? to.name : `${sourceFolder}/${to.name}`).kind ===
              "none");
        await mover.move(id, from, target, { renameFirst });
        arrived(kind, move, from, target);
      },
    };
    return op;
  };

  /** The journal and the counts once a move is done. */
  const arrived = (
    kind: "file" | "folder",
    move: FileMove | FolderMove,
    from: CloudPlace,
    to: CloudPlace,
  ) => {
    if (kind === "folder") recordFolderMove(move as FolderMove);
    else recordFileMove(move as FileMove);
    if (from.parentId !== to.parentId) tools.summary.moved += 1;
    if (from.name !== to.name) tools.summary.renamed += 1;
    tools.step();
  };

  const recordFileMove = ({ record: { remoteId }, to, local }: FileMove): void => {
    journal.transaction(() => {
      const row = journal.fileByRemoteId(record.id, remoteId!);
      if (!row) return;
      markLanded(rt, row.path);
      journal.movePath(record.id, row.path, to, false);
      putFile(ctx, rt, {
        ...row,
        path: to,
        size: local.size,
        mtimeMs: local.mtimeMs,
        ino: local.ino,
        dev: local.dev,
      });
      markLanded(rt, to);
    });
  };
  const recordFolderMove = ({ remoteId: id, to, id: identity }: FolderMove): void => {
    const from = folderPathOf(rt, id);
    if (from === undefined) return;
    markLanded(rt, from);
    journal.transaction(() => {
      journal.movePath(record.id, from, to, true);
      journal.putFolder(record.id, { path: to, remoteId: id, ...identity });
    });
    movedInMemory(rt, from, to, true);
    markLanded(rt, to);
  };

  const moves: Op[] = [];
  for (const move of plan.folderMoves) {
    const op = moveOp("folder", move, move.remoteId);
    arrivals.set(move.to, op);
    moves.push(op);
  }
  for (const move of plan.moves) moves.push(moveOp("file", move, move.record.remoteId!));
  ops.push(...moves);
  for (const op of [...mkdirs.values(), ...moves]) op.needs.push(...needsAbove(op.path));

  const destroy = async (id: string): Promise<void> => {
    try {
      await tools.call(() => tools.provider.destroy(id, tools.signal));
    } catch (error) {
      if (!isCloudError(error, "not-found")) throw error;
    }
  };
  const held = new Set<Op>();
  const deleteOp = (path: string, run: () => Promise<void>): Op => {
    const op: Op = { path, frees: slotOf(currentParent(path), baseName(path)), needs: [], run };
    if (tools.deletes === "held") held.add(op);
    return op;
  };
  for (const folder of plan.deletedFolders) {
    const op = deleteOp(folder.path, async () => {
      if (tools.deletes === "mirror") {
        await destroy(folder.remoteId);
        tools.summary.deleted += Math.max(1, folder.files.length);
      }
      const path = folderPathOf(rt, folder.remoteId) ?? folder.path;
      markLanded(rt, path);
      journal.transaction(() => forgetFolder(ctx, rt, path));
      tools.step();
    });
    // What moves out of the folder goes before it.
    op.needs.push(...moves.filter((m) => isBelow(m.move!.plan.from, folder.path)));
    ops.push(op);
  }
  for (const file of plan.deletes) {
    ops.push(
      deleteOp(file.path, async () => {
        if (tools.deletes === "mirror") {
          await destroy(file.remoteId!);
          tools.summary.deleted += 1;
        }
        forgetByRemoteId(file);
        tools.step();
      }),
    );
  }
  const forgetByRemoteId = (file: FileRecord): void => {
    const row = journal.fileByRemoteId(record.id, file.remoteId!);
    if (!row) return;
    markLanded(rt, row.path);
    journal.transaction(() => forgetFile(ctx, rt, row.path));
  };

  // New versions go by the cloud id: they need nothing else of the pass.
  for (const item of plan.uploads)
    ops.push({ path: item.path, needs: [], run: () => tools.upload(item, folderId) });

  const freers = new Map<string, Op>();
  const takers = new Map<string, Op>();
  for (const op of ops) {
    if (op.frees) freers.set(op.frees, op);
    if (op.takes) takers.set(op.takes, op);
  }
  const split = (move: Op): Op[] => {
    const halves = splitMove(move);
    replaced.set(move, halves[1]!);
    return halves;
  };
  for (const op of ordered(ops, freers, split)) {
    const needs = [...op.needs, ...(op.takes && freers.has(op.takes) ? [freers.get(op.takes)!] : [])];
    const run = held.has(op)
      ? async () => {
          throw new HeldDelete(op.path);
        }
      : op.run;
    op.node = tools.graph.add(
      op.path,
      needs.filter((n) => n !== op).map((n) => n.node!),
      run,
      { ownLanes: op.move !== undefined || op.ownLanes === true },
    );
  }

  /** A move parked on a temporary name (frees its slot at once), then moved to its place. */
  function splitMove(op: Op): Op[] {
    const move = op.move!;
    let parked: CloudPlace | undefined;
    const park: Op = {
      path: op.path,
      frees: op.frees!,
      needs: [],
      ownLanes: true,
      run: async () => {
        parked = await mover.park(move.id, move.from);
        // The journal follows, so whatever takes the freed name does not meet this item's record.
        const at =
          move.kind === "folder"
            ? folderPathOf(rt, move.id)
            : journal.fileByRemoteId(record.id, move.id)?.path;
        if (at === undefined) return;
        const parkedAt = `${parentOf(at) === "" ? "" : parentOf(at) + "/"}${parked.name}`;
        journal.movePath(record.id, at, parkedAt, move.kind === "folder");
        if (move.kind === "folder") movedInMemory(rt, at, parkedAt, true);
      },
    };
    const arrive: Op = {
      ...op,
      needs: [...op.needs, park],
      run: async () => {
        const target = { parentId: await folderId(parentOf(move.path)), name: move.to.name };
        await mover.move(move.id, parked!, target);
        arrived(move.kind, move.plan, move.from, target);
      },
    };
    delete arrive.frees;
    return [park, arrive];
  }

  return {
    folderId,
    needsOfNew(path) {
      const freer = freers.get(slotOf(finalParent(path), baseName(path)));
      return [...(freer ? [freer] : []), ...needsAbove(path)].map((op) => current(op).node!);
    },
    graph: tools.graph,
  };
}

/** A delete the mass-delete guard holds back: what needs its name waits with it. */
export class HeldDelete extends Error {
  constructor(path: string) {
    super(`the deletion of ${path} waits for confirmation (mass-delete guard)`);
  }
}

/**
 * The operations with each one after those it needs (the freer of the slot it takes, and its
 * `needs`). Where moves wait on each other in a ring (a swap, a cycle), one of them is split in two:
 * parked on a temporary name, then moved to its place.
 */
function ordered(ops: Op[], freers: Map<string, Op>, split: (move: Op) => Op[]): Op[] {
  let pending = [...ops];
  const out: Op[] = [];
  const placed = new Set<Op>();
  const needsOf = (op: Op): Op[] => {
    const freer = op.takes ? freers.get(op.takes) : undefined;
    return [...op.needs, ...(freer && freer !== op ? [freer] : [])];
  };
  for (;;) {
    let progress = true;
    while (progress) {
      progress = false;
      const rest: Op[] = [];
      for (const op of pending) {
        if (needsOf(op).every((n) => placed.has(n))) {
          out.push(op);
          placed.add(op);
          progress = true;
        } else rest.push(op);
      }
      pending = rest;
    }
    if (pending.length === 0) return out;
    // A ring: park one move waiting in it.
    const move = pending.find((op) => op.move && op.frees);
    if (!move) {
      // Cannot happen with the plan's operations; run what is left as it comes rather than never.
      return [...out, ...pending.map((op) => ({ ...op, needs: [], takes: undefined }) as Op)];
    }
    const [park, arrive] = split(move);
    freers.set(park!.frees!, park!);
    pending = pending.filter((op) => op !== move).concat(park!, arrive!);
    // Whatever needed the whole move now needs its arrival.
    for (const op of [...pending, ...out]) op.needs = op.needs.map((n) => (n === move ? arrive! : n));
  }
}
