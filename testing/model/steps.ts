/**
 * The primitive folder commands a scenario is made of, as a user would type them: each one applied
 * to the model, to a real folder, and printed as a shell command for a repro.
 */
import { copyFileSync, constants, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join as joinNative } from "node:path";
import { baseName, parentOf, type LocalTree } from "./tree.ts";

export type Step =
  /** Writes in place (the file keeps its inode): `printf … > path`. */
  | { do: "write"; path: string; content: string }
  /** An editor's safe save: a temporary file renamed over the path (a new inode, the same document). */
  | { do: "save"; path: string; content: string }
  | { do: "mkdir"; path: string }
  | { do: "mv"; from: string; to: string }
  /** `cp from to`: the same bytes as a new document. */
  | { do: "cp"; from: string; to: string }
  | { do: "rm"; path: string; folder: boolean };

/** Applies a step to the model; throws when it cannot apply (the caller skips the operation). */
export function applyToModel(tree: LocalTree, step: Step): void {
  switch (step.do) {
    case "write":
      tree.write(step.path, step.content);
      return;
    case "save": {
      if (!tree.isFile(step.path)) throw new Error(`save: no file ${step.path}`);
      tree.write(step.path, step.content, true);
      return;
    }
    case "mkdir":
      tree.mkdir(step.path);
      return;
    case "mv":
      tree.move(step.from, step.to);
      return;
    case "cp": {
      const node = tree.get(step.from);
      if (node?.kind !== "file" || tree.get(step.to)) throw new Error(`cp: cannot copy ${step.from}`);
      tree.write(step.to, node.content);
      return;
    }
    case "rm": {
      const node = tree.get(step.path);
      if (!node || (node.kind === "folder") !== step.folder) throw new Error(`rm: no ${step.path}`);
      tree.remove(step.path);
    }
  }
}

const native = (root: string, path: string): string => joinNative(root, ...path.split("/"));

/** Temporary names that the engine ignores (`*.tmp`), as editors use. */
const tempFor = (path: string): string =>
  `${parentOf(path) ? parentOf(path) + "/" : ""}.${baseName(path)}.save.tmp`;

export function applyToDisk(root: string, step: Step): void {
  switch (step.do) {
    case "write":
      writeFileSync(native(root, step.path), step.content);
      return;
    case "save": {
      const temp = native(root, tempFor(step.path));
      writeFileSync(temp, step.content);
      renameSync(temp, native(root, step.path));
      return;
    }
    case "mkdir":
      mkdirSync(native(root, step.path));
      return;
    case "mv":
      renameSync(native(root, step.from), native(root, step.to));
      return;
    case "cp":
      copyFileSync(native(root, step.from), native(root, step.to), constants.COPYFILE_EXCL);
      return;
    case "rm":
      rmSync(native(root, step.path), { recursive: step.folder });
  }
}

export const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/** The content as `printf` prints it, shortened past a few dozen bytes (only its size matters there). */
function printed(content: string): string {
  if (content.length <= 48) return `printf %s ${shellQuote(content)}`;
  return `head -c ${Buffer.byteLength(content)} /dev/urandom`;
}

/** The step as a shell command run in the pair's folder. */
export function shellOf(step: Step): string {
  const q = shellQuote;
  switch (step.do) {
    case "write":
      return `${printed(step.content)} > ${q(step.path)}`;
    case "save":
      return `${printed(step.content)} > ${q(tempFor(step.path))} && mv ${q(tempFor(step.path))} ${q(step.path)}`;
    case "mkdir":
      return `mkdir ${q(step.path)}`;
    case "mv":
      return `mv -T ${q(step.from)} ${q(step.to)}`;
    case "cp":
      return `cp ${q(step.from)} ${q(step.to)}`;
    case "rm":
      return `rm ${step.folder ? "-r " : ""}${q(step.path)}`;
  }
}
