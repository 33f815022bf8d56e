/**
 * The model of a pair's local folder: folders, and files with their content and an identity that
 * follows the document through renames and moves (what a user means by "the same file").
 * Paths are relative, with "/" separators.
 */

export interface FileNode {
  kind: "file";
  /** The document's identity: kept by renames, moves and edits; new for a new file. */
  id: string;
  content: string;
  /** How many distinct contents this document has had (its creation included). */
  versions: number;
  /** Which file on disk holds it: new with each safe save (a new inode), kept by edits in place and moves. */
  inode: number;
  /** How many times it was renamed or moved itself (a move of a folder above it does not count). */
  moves: number;
}

export interface FolderNode {
  kind: "folder";
  /** Follows the folder through renames and moves, like a document's. */
  id: string;
}

export type TreeNode = FileNode | FolderNode;

export const parentOf = (path: string): string => {
  const cut = path.lastIndexOf("/");
  return cut < 0 ? "" : path.slice(0, cut);
};

export const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

export const join = (folder: string, name: string): string => (folder === "" ? name : `${folder}/${name}`);

export const isBelow = (path: string, folder: string): boolean =>
  folder === "" ? path !== "" : path.startsWith(folder + "/");

export class LocalTree {
  readonly nodes = new Map<string, TreeNode>();
  private nextId = 1;

  clone(): LocalTree {
    const copy = new LocalTree();
    for (const [path, node] of this.nodes) copy.nodes.set(path, { ...node });
    copy.nextId = this.nextId;
    return copy;
  }

  get(path: string): TreeNode | undefined {
    return this.nodes.get(path);
  }

  isFolder(path: string): boolean {
    return path === "" || this.nodes.get(path)?.kind === "folder";
  }

  isFile(path: string): boolean {
    return this.nodes.get(path)?.kind === "file";
  }

  /** Every file, by path. */
  files(): [string, FileNode][] {
    return [...this.nodes].filter((e): e is [string, FileNode] => e[1].kind === "file");
  }

  /** Every folder, the root ("") first. */
  folders(): string[] {
    return ["", ...[...this.nodes].filter(([, n]) => n.kind === "folder").map(([p]) => p)];
  }

  /** Names directly inside a folder. */
  children(folder: string): string[] {
    return [...this.nodes.keys()].filter((p) => parentOf(p) === folder && p !== "").map(baseName);
  }

  /** The path and everything below it. */
  subtree(path: string): string[] {
    return [...this.nodes.keys()].filter((p) => p === path || isBelow(p, path));
  }

  newId(): string {
    return `n${this.nextId++}`;
  }

  /**
   * Writes a file: a new document where nothing was, a new version of the one that is there; `fresh`
   * (a safe save) puts the document in a new file on disk.
   */
  write(path: string, content: string, fresh = false): void {
    const node = this.nodes.get(path);
    if (node?.kind === "folder") throw new Error(`write: ${path} is a folder`);
    if (!this.isFolder(parentOf(path))) throw new Error(`write: no folder ${parentOf(path)}`);
    if (node) {
      if (node.content !== content) node.versions += 1;
      node.content = content;
      if (fresh) node.inode = this.nextId++;
    } else {
      const id = this.nextId++;
      this.nodes.set(path, { kind: "file", id: `n${id}`, content, versions: 1, inode: id, moves: 0 });
    }
  }

  mkdir(path: string): void {
    if (this.nodes.has(path) || path === "") throw new Error(`mkdir: ${path} exists`);
    if (!this.isFolder(parentOf(path))) throw new Error(`mkdir: no folder ${parentOf(path)}`);
    this.nodes.set(path, { kind: "folder", id: this.newId() });
  }

  /** `mv from to`: a file may replace a file; nothing else may be replaced. */
  move(from: string, to: string): void {
    const node = this.nodes.get(from);
    if (!node) throw new Error(`mv: no ${from}`);
    if (from === to || isBelow(to, from)) throw new Error(`mv: ${to} is inside ${from}`);
    if (!this.isFolder(parentOf(to))) throw new Error(`mv: no folder ${parentOf(to)}`);
    const there = this.nodes.get(to);
    if (there && !(there.kind === "file" && node.kind === "file")) throw new Error(`mv: ${to} exists`);
    const moved = this.subtree(from).map((p) => [p, this.nodes.get(p)!] as const);
    for (const [p] of moved) this.nodes.delete(p);
    for (const [p, n] of moved) this.nodes.set(to + p.slice(from.length), n);
    if (node.kind === "file") node.moves += 1;
  }

  remove(path: string): void {
    if (!this.nodes.has(path)) throw new Error(`rm: no ${path}`);
    for (const p of this.subtree(path)) this.nodes.delete(p);
  }
}
