/**
 * What one round (the operations between two quiescent points) may combine, by the features that
 * are on: a change inside a folder moved in the same round, a document edited and moved, a name
 * freed and taken again. Generation asks before each operation; the minimiser checks its candidates.
 */
import type { Op } from "./operations.ts";
import type { Feature } from "./scenario.ts";
import { applyToModel, type Step } from "./steps.ts";
import { baseName, isBelow, join, parentOf, type LocalTree } from "./tree.ts";

/** What an operation does to documents and names, found by applying it to a copy of the tree. */
function effects(tree: LocalTree, steps: readonly Step[]) {
  const copy = tree.clone();
  const edited = new Set<string>();
  const moved = new Set<string>();
  const movedFolders: { from: string; to: string }[] = [];
  /** Paths taken by something new (a file, a folder, a copy), and paths a move lands on. */
  const created: string[] = [];
  const arrived: string[] = [];
  const movedAway: string[] = [];
  const removed: string[] = [];
  const before = new Map([...tree.nodes].map(([path, node]) => [node.id, path]));
  for (const step of steps) {
    switch (step.do) {
      case "write":
      case "save": {
        const node = copy.get(step.path);
        if (node?.kind === "file") edited.add(node.id);
        else created.push(step.path);
        break;
      }
      case "mkdir":
        created.push(step.path);
        break;
      case "cp":
        created.push(step.to);
        break;
      case "mv":
        arrived.push(step.to);
        movedAway.push(step.from);
        for (const path of copy.subtree(step.from)) {
          const node = copy.get(path);
          if (node?.kind === "file") moved.add(node.id);
        }
        if (copy.isFolder(step.from)) movedFolders.push({ from: step.from, to: step.to });
        break;
      case "rm":
        removed.push(step.path);
    }
    applyToModel(copy, step);
  }
  /** Every file and folder whose path the operation changed: id, old path, new path. */
  const relocated: { id: string; from: string; to: string }[] = [];
  for (const [path, node] of copy.nodes) {
    const from = before.get(node.id);
    if (from !== undefined && from !== path) relocated.push({ id: node.id, from, to: path });
  }
  return { edited, moved, movedFolders, created, arrived, movedAway, removed, relocated };
}

const pathsOf = (step: Step): string[] =>
  step.do === "mv" || step.do === "cp" ? [step.from, step.to] : [step.path];

const atOrBelow = (path: string, set: Iterable<string>): boolean =>
  [...set].some((f) => path === f || isBelow(path, f));

const relocate = (path: string, from: string, to: string): string =>
  path === from || isBelow(path, from) ? to + path.slice(from.length) : path;

export class RoundRules {
  private readonly features: ReadonlySet<Feature>;
  /** Where the folders moved in this round are now. */
  private movedFolders: string[] = [];
  /** Paths touched in this round (where they are now). */
  private touched = new Set<string>();
  private readonly edited = new Set<string>();
  private readonly moved = new Set<string>();
  /** Paths something moved away from, and paths deleted, in this round. */
  private readonly movedAway = new Set<string>();
  private readonly removed = new Set<string>();
  /** Every path something held at some time in this round. */
  private readonly occupied: Set<string>;
  /** Where each item relocated in this round was when the round began. */
  private readonly startOf = new Map<string, string>();
  /**
   * Where an item moved and renamed in this round passes through: the cloud moves it under its
   * old name first, so the name must be free there.
   */
  private readonly intermediates = new Set<string>();

  /** `tree`: the folder as the round begins. */
  constructor(features: ReadonlySet<Feature>, tree: LocalTree) {
    this.features = features;
    this.occupied = new Set(tree.nodes.keys());
  }

  /** The paths a net move-and-rename of this operation passes through, or undefined if one is taken. */
  private passages(relocated: { id: string; from: string; to: string }[], taken: readonly string[]) {
    const out: string[] = [];
    for (const { id, from, to } of relocated) {
      const start = this.startOf.get(id) ?? from;
      if (parentOf(start) === parentOf(to) || baseName(start) === baseName(to)) continue;
      const through = join(parentOf(to), baseName(start));
      if (this.occupied.has(through) || taken.includes(through)) return undefined;
      out.push(through);
    }
    return out;
  }

  /** Whether the operation may follow what the round did so far. */
  allows(tree: LocalTree, op: Op): boolean {
    const { edited, moved, movedFolders, created, arrived, relocated } = effects(tree, op.steps);
    const on = (feature: Feature) => this.features.has(feature);
    if (!on("move-rename-into-old-name")) {
      const taken = [...created, ...relocated.map((r) => r.to)];
      if (taken.some((p) => this.intermediates.has(p))) return false;
      if (!this.passages(relocated, taken)) return false;
    }
    if (!on("reuse-moved-name")) {
      if (created.some((p) => atOrBelow(p, this.movedAway))) return false;
      if (arrived.some((p) => atOrBelow(p, this.movedAway) || atOrBelow(p, this.removed))) return false;
    }
    if (!on("change-in-moved-folder")) {
      const paths = op.steps.flatMap(pathsOf);
      if (paths.some((p) => this.movedFolders.some((f) => isBelow(p, f)))) return false;
      for (const { from } of movedFolders) {
        if ([...this.touched].some((t) => isBelow(t, from))) return false;
        // Inside the operation itself: something else touched below the folder it moves.
        if (paths.some((p) => isBelow(p, from))) return false;
      }
    }
    if (!on("edit-and-move")) {
      if ([...edited].some((id) => this.moved.has(id) || moved.has(id))) return false;
      if ([...moved].some((id) => this.edited.has(id))) return false;
    }
    return true;
  }

  /** Notes what the operation does (call before applying it to the tree). */
  remember(tree: LocalTree, op: Op): void {
    const { edited, moved, movedFolders, movedAway, removed, created, relocated } = effects(tree, op.steps);
    for (const p of this.passages(relocated, []) ?? []) this.intermediates.add(p);
    for (const { id, from } of relocated) if (!this.startOf.has(id)) this.startOf.set(id, from);
    for (const p of [...created, ...relocated.map((r) => r.to)]) this.occupied.add(p);
    for (const p of movedAway) this.movedAway.add(p);
    for (const p of removed) this.removed.add(p);
    for (const id of edited) this.edited.add(id);
    for (const id of moved) this.moved.add(id);
    for (const step of op.steps) {
      if (step.do === "mv") {
        this.touched = new Set([...this.touched].map((p) => relocate(p, step.from, step.to)));
        this.movedFolders = this.movedFolders.map((p) => relocate(p, step.from, step.to));
      }
      for (const p of pathsOf(step)) this.touched.add(p);
    }
    for (const { to } of movedFolders) this.movedFolders.push(to);
  }
}
