/**
 * The checks after a quiescent pass: the folder is what the model says (a check of the test itself),
 * the cloud equals the folder (paths, kinds, content hashes), no cloud folder holds a name twice,
 * every document kept its cloud token through renames and moves, and no version was sent twice.
 */
import type { FileNode, LocalTree } from "./tree.ts";
import type { CloudSnapshot, LocalEntry } from "./world.ts";

export type CheckName =
  /** The folder is not what the model says: a fault of the test, never of the engine. */
  | "model"
  /** The quiescent pass itself failed or reported failures. */
  | "pass"
  | "missing-in-cloud"
  | "extra-in-cloud"
  | "kind"
  | "content"
  | "duplicate-name"
  | "identity"
  /** More versions in the cloud than the document had contents. */
  | "uploaded-twice"
  /** The pass after a quiescent one still wrote to the cloud. */
  | "not-idle"
  /** Watching: the cloud did not reach the folder's state in time. */
  | "converge"
  /** The run itself broke (an exception outside the engine's passes). */
  | "harness";

export interface Problem {
  check: CheckName;
  detail: string;
}

const short = (text: string): string => (text.length > 12 ? `${text.slice(0, 12)}…` : text);

/** The folder on disk against the model. */
export function checkModel(tree: LocalTree, local: ReadonlyMap<string, LocalEntry>): Problem[] {
  const problems: Problem[] = [];
  for (const [path, node] of tree.nodes) {
    const there = local.get(path);
    if (!there || there.kind !== node.kind || (node.kind === "file" && there.content !== node.content))
      problems.push({ check: "model", detail: `${path}: the folder does not hold what the model says` });
  }
  for (const path of local.keys())
    if (!tree.nodes.has(path))
      problems.push({ check: "model", detail: `${path}: on disk, not in the model` });
  return problems;
}

/** The cloud against the folder. */
export function checkCloud(local: ReadonlyMap<string, LocalEntry>, cloud: CloudSnapshot): Problem[] {
  const problems: Problem[] = [];
  for (const path of cloud.duplicates)
    problems.push({ check: "duplicate-name", detail: `${path}: the cloud folder holds this name twice` });
  for (const [path, entry] of local) {
    const remote = cloud.entries.get(path);
    if (!remote) {
      problems.push({ check: "missing-in-cloud", detail: `${path}: ${entry.kind} missing in the cloud` });
      continue;
    }
    if (remote.kind !== entry.kind) {
      problems.push({
        check: "kind",
        detail: `${path}: a ${entry.kind} here, a ${remote.kind} in the cloud (token ${remote.id})`,
      });
      continue;
    }
    if (entry.kind !== "file") continue;
    const sameHash = remote.md5
      ? remote.md5 === entry.md5
      : remote.sha256
        ? remote.sha256 === entry.sha256
        : true;
    if (!sameHash || remote.size !== entry.size) {
      problems.push({
        check: "content",
        detail: `${path}: ${entry.size} bytes md5 ${short(entry.md5)} here, ${remote.size} bytes ${
          remote.md5 ? `md5 ${short(remote.md5)}` : `sha256 ${short(remote.sha256 ?? "?")}`
        } in the cloud (token ${remote.id})`,
      });
    }
  }
  for (const [path, remote] of cloud.entries) {
    if (!local.has(path))
      problems.push({
        check: "extra-in-cloud",
        detail: `${path}: ${remote.kind} in the cloud only (token ${remote.id})`,
      });
  }
  return problems;
}

interface Known {
  token: string;
  /** The cloud version and the model's count of contents when the token was first seen. */
  cloudVersion: number;
  modelVersions: number;
  /** The document's file on disk and its count of moves at the last good check. */
  inode: number;
  moves: number;
}

/**
 * Whether anything the engine can follow is left of the document since the last good check: its
 * file on disk (an edit in place, a move), or its place (a safe save where it was, its folder's
 * move). Moved and saved through a new file in one round, it is a new file somewhere and a file
 * gone elsewhere to any observer; its token may go with the old one.
 */
const traceable = (file: FileNode, known: Known): boolean =>
  file.inode === known.inode || file.moves === known.moves;

/** Which cloud token each document has, learned at its first good check and held to after. */
export class IdentityBook {
  private readonly known = new Map<string, Known>();

  check(tree: LocalTree, cloud: CloudSnapshot): Problem[] {
    const problems: Problem[] = [];
    const pathOfToken = new Map([...cloud.entries].map(([p, e]) => [e.id, p]));
    for (const [path, file] of tree.files()) {
      const known = this.known.get(file.id);
      const remote = cloud.entries.get(path);
      if (!known || !remote || remote.kind !== "file" || !traceable(file, known)) continue;
      if (remote.id !== known.token) {
        const now = pathOfToken.get(known.token);
        problems.push({
          check: "identity",
          detail: `${path}: the document's cloud token was ${known.token}, the cloud file there is ${remote.id} (${
            now === undefined ? `${known.token} is gone` : `${known.token} is at ${now}`
          })`,
        });
        continue;
      }
      const sent = remote.version - known.cloudVersion;
      const written = file.versions - known.modelVersions;
      if (sent > written) {
        problems.push({
          check: "uploaded-twice",
          detail: `${path}: ${sent} new versions in the cloud for ${written} new contents (token ${remote.id})`,
        });
      }
    }
    return problems;
  }

  /**
   * After a check without problems: learns the tokens of documents seen for the first time (or
   * that lost every trace), and where every other document is now.
   */
  learn(tree: LocalTree, cloud: CloudSnapshot): void {
    for (const [path, file] of tree.files()) {
      const remote = cloud.entries.get(path);
      if (!remote || remote.kind !== "file") continue;
      const known = this.known.get(file.id);
      if (known && traceable(file, known)) {
        known.inode = file.inode;
        known.moves = file.moves;
        continue;
      }
      this.known.set(file.id, {
        token: remote.id,
        cloudVersion: remote.version,
        modelVersions: file.versions,
        inode: file.inode,
        moves: file.moves,
      });
    }
  }
}
