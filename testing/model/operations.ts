/**
 * The operations a scenario draws: each a few folder commands that together mean one thing a user
 * does (a rename, a swap through a temporary name, a file replaced by a folder). Generation only
 * reads the model; the runner applies an operation to the model and the folder together.
 */
import { freeName, tempName, type NamePools } from "./names.ts";
import type { Rng } from "./prng.ts";
import { applyToModel, type Step } from "./steps.ts";
import { baseName, isBelow, join, parentOf, type LocalTree } from "./tree.ts";

/** Every kind of operation, with how often it is drawn among those enabled. */
export const OP_WEIGHTS = {
  /** A new file with content. */
  create: 14,
  /** A new empty file. */
  "create-empty": 3,
  /** `cp a b`: a new document with the same bytes as another. */
  copy: 2,
  /** New content of the same size, written in place. */
  "edit-same-size": 5,
  /** New content of another size, written in place. */
  "edit-resize": 6,
  /** New content saved through a temporary file renamed over the old one (a new inode). */
  "save-atomic": 3,
  /** A file renamed in its folder. */
  rename: 6,
  /** A file moved to another folder under its name. */
  move: 6,
  /** A file moved to another folder under a new name. */
  "move-rename": 3,
  /** `mv a/x b/y` while `b/x` exists. */
  "move-rename-into-old-name": 3,
  /** `mv b a` over an existing file `a`. */
  "replace-by-move": 2,
  delete: 6,
  "folder-create": 5,
  "folder-rename": 3,
  "folder-move": 3,
  "folder-delete": 2,
  /** `mv a t; mv b a; mv t b` for two files. */
  swap: 3,
  /** Three or more files rotated through a temporary name. */
  cycle: 1,
  /** Two folders swapped through a temporary name. */
  "folder-swap": 1,
  /** `rm f; mkdir f; echo x > f/x`. */
  "file-to-folder": 2,
  /** `rm -r f; echo x > f`. */
  "folder-to-file": 2,
} as const;

export type OpKind = keyof typeof OP_WEIGHTS;
export const OP_KINDS = Object.keys(OP_WEIGHTS) as OpKind[];

export interface Op {
  kind: OpKind;
  steps: Step[];
  /**
   * Where it lands: the pair's folder (the default), or its cloud folder through another client
   * (`cloud-steps.ts`; for two-way pairs, which the model checks the same way once they exist).
   */
  side?: "local" | "cloud";
}

/**
 * Content no other write has (a random tag first), of a drawn size: mostly small, sometimes up to
 * 64 KiB. Equal contents come only from copies and empty files, where the scenario wants them.
 */
export function newContent(rng: Rng, size?: number): string {
  const length = size ?? drawSize(rng);
  const letters = "abcdefghijklmnopqrstuvwxyz0123456789 ";
  let text = `${Math.floor(rng.next() * 36 ** 8).toString(36)} `;
  while (text.length < length) text += letters[rng.int(0, letters.length - 1)];
  return text.slice(0, length);
}

function drawSize(rng: Rng): number {
  const size = rng.weighted({ small: 6, medium: 3, large: 1 } as const);
  if (size === "small") return rng.int(1, 40);
  return size === "medium" ? rng.int(41, 4000) : rng.int(4001, 65_536);
}

const filesIn = (tree: LocalTree): string[] => tree.files().map(([p]) => p);
const foldersIn = (tree: LocalTree, withRoot = true): string[] =>
  tree.folders().filter((f) => withRoot || f !== "");

function freeFile(rng: Rng, tree: LocalTree, folder: string, names: NamePools): string {
  return join(folder, freeName(rng, names.files, tree.children(folder)));
}
function freeFolder(rng: Rng, tree: LocalTree, folder: string, names: NamePools): string {
  return join(folder, freeName(rng, names.folders, tree.children(folder)));
}

/**
 * A file and another folder that does not hold its name (a target holding the old name is a kind
 * of its own), or undefined when there is none.
 */
function fileAndOtherFolder(rng: Rng, tree: LocalTree): { from: string; target: string } | undefined {
  const files = filesIn(tree);
  if (files.length === 0) return undefined;
  const from = rng.pick(files);
  const targets = foldersIn(tree).filter(
    (f) => f !== parentOf(from) && !tree.children(f).includes(baseName(from)),
  );
  return targets.length === 0 ? undefined : { from, target: rng.pick(targets) };
}

/** The steps of each kind, or undefined when the tree offers no place for it. */
const builders: Record<OpKind, (rng: Rng, tree: LocalTree, names: NamePools) => Step[] | undefined> = {
  create(rng, tree, names) {
    const folder = rng.pick(foldersIn(tree));
    return [{ do: "write", path: freeFile(rng, tree, folder, names), content: newContent(rng) }];
  },
  "create-empty"(rng, tree, names) {
    const folder = rng.pick(foldersIn(tree));
    return [{ do: "write", path: freeFile(rng, tree, folder, names), content: "" }];
  },
  copy(rng, tree, names) {
    const files = filesIn(tree);
    if (files.length === 0) return undefined;
    const from = rng.pick(files);
    return [{ do: "cp", from, to: freeFile(rng, tree, rng.pick(foldersIn(tree)), names) }];
  },
  "edit-same-size"(rng, tree) {
    const files = tree.files().filter(([, f]) => f.content.length > 0);
    if (files.length === 0) return undefined;
    const [path, file] = rng.pick(files);
    return [{ do: "write", path, content: newContent(rng, file.content.length) }];
  },
  "edit-resize"(rng, tree) {
    const files = tree.files();
    if (files.length === 0) return undefined;
    const [path, file] = rng.pick(files);
    let content = newContent(rng);
    while (content.length === file.content.length) content = newContent(rng);
    return [{ do: "write", path, content }];
  },
  "save-atomic"(rng, tree) {
    const files = filesIn(tree);
    if (files.length === 0) return undefined;
    return [{ do: "save", path: rng.pick(files), content: newContent(rng) }];
  },
  rename(rng, tree, names) {
    const files = filesIn(tree);
    if (files.length === 0) return undefined;
    const from = rng.pick(files);
    return [{ do: "mv", from, to: freeFile(rng, tree, parentOf(from), names) }];
  },
  move(rng, tree) {
    const found = fileAndOtherFolder(rng, tree);
    return found && [{ do: "mv", from: found.from, to: join(found.target, baseName(found.from)) }];
  },
  "move-rename"(rng, tree, names) {
    const found = fileAndOtherFolder(rng, tree);
    if (!found) return undefined;
    const { from, target } = found;
    const to = join(target, freeName(rng, names.files, [...tree.children(target), baseName(from)]));
    return [{ do: "mv", from, to }];
  },
  "move-rename-into-old-name"(rng, tree, names) {
    const candidates: [string, string][] = [];
    for (const from of filesIn(tree)) {
      for (const folder of foldersIn(tree)) {
        if (folder !== parentOf(from) && tree.isFile(join(folder, baseName(from))))
          candidates.push([from, folder]);
      }
    }
    if (candidates.length === 0) return undefined;
    const [from, folder] = rng.pick(candidates);
    return [{ do: "mv", from, to: freeFile(rng, tree, folder, names) }];
  },
  "replace-by-move"(rng, tree) {
    const files = filesIn(tree);
    if (files.length < 2) return undefined;
    const from = rng.pick(files);
    const to = rng.pick(files.filter((f) => f !== from));
    return [{ do: "mv", from, to }];
  },
  delete(rng, tree) {
    const files = filesIn(tree);
    if (files.length === 0) return undefined;
    return [{ do: "rm", path: rng.pick(files), folder: false }];
  },
  "folder-create"(rng, tree, names) {
    return [{ do: "mkdir", path: freeFolder(rng, tree, rng.pick(foldersIn(tree)), names) }];
  },
  "folder-rename"(rng, tree, names) {
    const folders = foldersIn(tree, false);
    if (folders.length === 0) return undefined;
    const from = rng.pick(folders);
    return [{ do: "mv", from, to: freeFolder(rng, tree, parentOf(from), names) }];
  },
  "folder-move"(rng, tree) {
    const folders = foldersIn(tree, false);
    if (folders.length === 0) return undefined;
    const from = rng.pick(folders);
    const targets = foldersIn(tree).filter(
      (f) =>
        f !== parentOf(from) && f !== from && !isBelow(f, from) && !tree.children(f).includes(baseName(from)),
    );
    if (targets.length === 0) return undefined;
    return [{ do: "mv", from, to: join(rng.pick(targets), baseName(from)) }];
  },
  "folder-delete"(rng, tree) {
    const folders = foldersIn(tree, false);
    if (folders.length === 0) return undefined;
    return [{ do: "rm", path: rng.pick(folders), folder: true }];
  },
  swap(rng, tree) {
    const files = filesIn(tree);
    if (files.length < 2) return undefined;
    const a = rng.pick(files);
    const b = rng.pick(files.filter((f) => f !== a));
    return rotate(tree, [a, b]);
  },
  cycle(rng, tree) {
    const files = filesIn(tree);
    if (files.length < 3) return undefined;
    const picked: string[] = [];
    const count = rng.int(3, Math.min(4, files.length));
    while (picked.length < count) {
      const next = rng.pick(files.filter((f) => !picked.includes(f)));
      picked.push(next);
    }
    return rotate(tree, picked);
  },
  "folder-swap"(rng, tree) {
    const folders = foldersIn(tree, false);
    const pairs: [string, string][] = [];
    for (const a of folders)
      for (const b of folders) if (a < b && !isBelow(a, b) && !isBelow(b, a)) pairs.push([a, b]);
    if (pairs.length === 0) return undefined;
    return rotate(tree, rng.pick(pairs));
  },
  "file-to-folder"(rng, tree, names) {
    const files = filesIn(tree);
    if (files.length === 0) return undefined;
    const path = rng.pick(files);
    return [
      { do: "rm", path, folder: false },
      { do: "mkdir", path },
      { do: "write", path: join(path, rng.pick(names.files)), content: newContent(rng) },
    ];
  },
  "folder-to-file"(rng, tree) {
    const folders = foldersIn(tree, false);
    if (folders.length === 0) return undefined;
    const path = rng.pick(folders);
    return [
      { do: "rm", path, folder: true },
      { do: "write", path, content: newContent(rng) },
    ];
  },
};

/**
 * `mv p0 t; mv p1 p0; …; mv t p(n-1)`: every path takes the next one's content, through a
 * temporary name in the first path's folder.
 */
function rotate(tree: LocalTree, paths: string[]): Step[] {
  const first = paths[0]!;
  const temp = join(parentOf(first), tempName(tree.children(parentOf(first))));
  const steps: Step[] = [{ do: "mv", from: first, to: temp }];
  for (let i = 1; i < paths.length; i++) steps.push({ do: "mv", from: paths[i]!, to: paths[i - 1]! });
  steps.push({ do: "mv", from: temp, to: paths.at(-1)! });
  return steps;
}

/** Whether the steps apply to the tree in order (they are checked on a copy). */
export function applies(tree: LocalTree, steps: readonly Step[]): boolean {
  const copy = tree.clone();
  try {
    for (const step of steps) applyToModel(copy, step);
    return true;
  } catch {
    return false;
  }
}

/** Draws an operation of one of the enabled kinds that applies to the tree, if any does. */
export function drawOp(
  rng: Rng,
  tree: LocalTree,
  kinds: readonly OpKind[],
  names: NamePools,
  accept: (op: Op) => boolean = () => true,
): Op | undefined {
  if (kinds.length === 0) return undefined;
  const weights: Partial<Record<OpKind, number>> = {};
  // A tree that grew large leans towards deletes, so scenarios stay small and fast.
  const large = tree.files().length > 30;
  for (const kind of kinds) weights[kind] = OP_WEIGHTS[kind] * (large && kind.includes("delete") ? 6 : 1);
  for (let attempt = 0; attempt < 30; attempt++) {
    const kind = rng.weighted(weights);
    const steps = builders[kind](rng, tree, names);
    if (!steps || !applies(tree, steps)) continue;
    const op = { kind, steps };
    if (accept(op)) return op;
  }
  return undefined;
}
