/**
 * An in-memory CloudProvider for fast unit tests of the engine: the same rules as the API contract
 * (names unique per folder, a batch move from one folder, versions counted), no network.
 */
import { createHash, randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { CloudError } from "../electron/core/cloud/errors.ts";
import { describeItemFailure } from "../electron/core/cloud/kdocs/adapter.ts";
import type {
  CloudProvider,
  ListPage,
  MoveStart,
  RemoteEntry,
  ServerTaskRef,
  ServerTaskStatus,
  UploadSource,
} from "../electron/core/cloud/provider.ts";

interface StoredEntry extends RemoteEntry {
  content?: Buffer;
}

interface MoveJob {
  ids: string[];
  target: string;
  startedAt: number;
  results: { id: string; code: number; message: string }[];
  done: number;
}

export interface MemoryCloud extends CloudProvider {
  readonly stats: { uploads: number; calls: Record<string, number> };
  /** Makes the next calls of `method` fail with this error. */
  failNext(method: keyof CloudProvider, error: CloudError, times?: number): void;
  /** Runs before an upload reads the file (tests change the file here). */
  beforeUpload?: (source: UploadSource) => Promise<void> | void;
  entry(id: string): RemoteEntry | undefined;
  /** The entry at a path like "/a/b.txt" below the root, or undefined. */
  at(path: string): RemoteEntry | undefined;
  content(id: string): Buffer | undefined;
  /** Every file below `folderId`, keyed by its path relative to it. */
  tree(folderId?: string): Map<string, RemoteEntry>;
}

export function createMemoryCloud(
  options: { moveItemsPerSecond?: number; directMoveLimit?: number } = {},
): MemoryCloud {
  const entries = new Map<string, StoredEntry>();
  const moves = new Map<string, MoveJob>();
  const faults = new Map<string, { error: CloudError; times: number }>();
  const rate = options.moveItemsPerSecond ?? 50;
  const directMoveLimit = options.directMoveLimit ?? 10;
  const rootId = "0";
  entries.set(rootId, {
    id: rootId,
    name: "",
    kind: "folder",
    parentId: "",
    size: 0,
    version: 1,
    mtime: Date.now(),
  });
  const stats = { uploads: 0, calls: {} as Record<string, number> };

  const count = (method: string): void => {
    stats.calls[method] = (stats.calls[method] ?? 0) + 1;
    const fault = faults.get(method);
    if (fault && fault.times > 0) {
      fault.times -= 1;
      throw fault.error;
    }
  };
  const get = (id: string): StoredEntry => {
    const entry = entries.get(id);
    if (!entry) throw new CloudError("not-found", `No file or folder ${id}.`, { code: 40004 });
    return entry;
  };
  const children = (parentId: string): StoredEntry[] =>
    [...entries.values()]
      .filter((e) => e.parentId === parentId && e.id !== rootId)
      .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "folder" ? -1 : 1));
  const nameTaken = (parentId: string, name: string, except?: string): boolean =>
    children(parentId).some((e) => e.name === name && e.id !== except);
  /** A new entry in a folder, refused like the service refuses a taken name. */
  const place = (
    parentId: string,
    name: string,
    fields: Pick<StoredEntry, "kind" | "size"> & Partial<Pick<StoredEntry, "md5" | "content">>,
  ): StoredEntry => {
    get(parentId);
    if (nameTaken(parentId, name))
      throw new CloudError("conflict", `The name "${name}" is taken.`, { code: 40009 });
    const entry: StoredEntry = { id: randomUUID(), name, parentId, version: 1, mtime: Date.now(), ...fields };
    entries.set(entry.id, entry);
    return entry;
  };
  /** One item of a batch move, with the per-item codes the real service answers. */
  const moveOne = (job: MoveJob, id: string): void => {
    const entry = entries.get(id);
    if (!entry) job.results.push({ id, code: 40004, message: "not found" });
    else if (nameTaken(job.target, entry.name, id))
      job.results.push({ id, code: 40009, message: "name taken" });
    else {
      entry.parentId = job.target;
      job.results.push({ id, code: 0, message: "" });
    }
    job.done += 1;
  };
  const view = (e: StoredEntry): RemoteEntry => {
    const { content: _content, ...rest } = e;
    return { ...rest };
  };
  const isInside = (id: string, ancestor: string): boolean => {
    for (let at: string | undefined = id; at; at = entries.get(at)?.parentId)
      if (at === ancestor) return true;
    return false;
  };

  const cloud: MemoryCloud = {
    kind: "kdocs",
    rootId,
    capabilities: { zipDownload: false, scripts: false, largeFiles: true },
    directUploadLimit: 64 << 20,
    maxMoveBatch: 100,
    // Its codes are KDocs' (40004, 40009).
    describeItemFailure,
    stats,
    failNext(method, error, times = 1) {
      faults.set(method, { error, times });
    },
    async verify() {
      count("verify");
    },
    async stat(id) {
      count("stat");
      return view(get(id));
    },
    async list(parentId, cursor) {
      count("list");
      if (get(parentId).kind !== "folder") throw new CloudError("invalid", "Not a folder.", { code: 40001 });
      const all = children(parentId);
      const offset = cursor ? Number(cursor) : 0;
      const page: ListPage = {
        entries: all.slice(offset, offset + 100).map(view),
        next: offset + 100 < all.length ? String(offset + 100) : null,
      };
      return page;
    },
    async createFolder(parentId, name) {
      count("createFolder");
      return view(place(parentId, name, { kind: "folder", size: 0 }));
    },
    async rename(id, newName) {
      count("rename");
      const entry = get(id);
      if (nameTaken(entry.parentId, newName, id))
        throw new CloudError("conflict", "The name is taken.", { code: 40009 });
      entry.name = newName;
      entry.mtime = Date.now();
      return view(entry);
    },
    async downloadSource(id) {
      count("downloadSource");
      const entry = get(id);
      if (entry.kind === "folder") throw new CloudError("invalid", "Not a file.", { code: 40001 });
      const content = entry.content ?? Buffer.alloc(0);
      // No server: the bytes travel in the address itself.
      return {
        url: `data:application/octet-stream;base64,${content.toString("base64")}`,
        size: content.length,
        digest: { algorithm: "md5", hex: createHash("md5").update(content).digest("hex") },
      };
    },
    async destroy(id) {
      count("destroy");
      get(id);
      for (const e of [...entries.values()]) if (isInside(e.id, id)) entries.delete(e.id);
    },
    async upload(source) {
      count("upload");
      await cloud.beforeUpload?.(source);
      const before = await stat(source.localPath);
      if (
        source.expected &&
        (before.size !== source.expected.size || before.mtimeMs !== source.expected.mtimeMs)
      ) {
        throw new CloudError("changed", `${source.localPath} changed before its upload.`);
      }
      const content = await readFile(source.localPath);
      const after = await stat(source.localPath);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
        throw new CloudError("changed", `${source.localPath} changed during its upload.`);
      }
      source.onProgress?.(content.length, content.length);
      const md5 = createHash("md5").update(content).digest("hex");
      stats.uploads += 1;
      if (source.replaceId) {
        const entry = get(source.replaceId);
        Object.assign(entry, {
          content,
          size: content.length,
          md5,
          version: entry.version + 1,
          mtime: Date.now(),
        });
        return view(entry);
      }
      const parentId = source.parentId ?? rootId;
      const name = source.name || basename(source.localPath);
      return view(place(parentId, name, { kind: "file", size: content.length, md5, content }));
    },
    async startMove(ids, targetParentId): Promise<MoveStart> {
      count("startMove");
      if (ids.length < 1 || ids.length > 100)
        throw new CloudError("invalid", "1 to 100 items.", { code: 40001 });
      const target = get(targetParentId);
      const known = ids.map((id) => entries.get(id)).filter((e): e is StoredEntry => !!e);
      const sources = new Set(known.map((e) => e.parentId));
      if (sources.size > 1)
        throw new CloudError("conflict", "Items from more than one folder.", { code: 40009 });
      if (sources.has(target.id))
        throw new CloudError("conflict", "The target is the source folder.", { code: 40009 });
      if (known.some((e) => isInside(target.id, e.id)))
        throw new CloudError("conflict", "Into itself.", { code: 40009 });
      const job: MoveJob = { ids, target: target.id, startedAt: Date.now(), results: [], done: 0 };
      if (
        ids.length <= directMoveLimit &&
        known.length === ids.length &&
        known.every((e) => !nameTaken(target.id, e.name, e.id))
      ) {
        for (const item of ids) moveOne(job, item);
        return { done: true };
      }
      const id = randomUUID();
      moves.set(id, job);
      return { done: false, task: { kind: "move", id } };
    },
    async pollTask(task: ServerTaskRef): Promise<ServerTaskStatus> {
      count("pollTask");
      const job = moves.get(task.id);
      if (!job) throw new CloudError("not-found", `No task ${task.id}.`, { code: 40004 });
      const due = Math.min(job.ids.length, Math.floor(((Date.now() - job.startedAt) / 1000) * rate));
      while (job.done < due) moveOne(job, job.ids[job.done]!);
      const failed = job.results.filter((r) => r.code !== 0);
      const finished = job.done === job.ids.length;
      return {
        state: !finished
          ? "running"
          : failed.length === 0
            ? "succeeded"
            : failed.length === job.ids.length
              ? "failed"
              : "partial",
        current: job.done,
        total: job.ids.length,
        failed,
      };
    },
    entry(id) {
      const e = entries.get(id);
      return e ? view(e) : undefined;
    },
    at(path) {
      let at: StoredEntry | undefined = entries.get(rootId);
      for (const segment of path.split("/").filter(Boolean)) {
        at = at ? children(at.id).find((e) => e.name === segment) : undefined;
      }
      return at ? view(at) : undefined;
    },
    content(id) {
      return entries.get(id)?.content;
    },
    tree(folderId = rootId) {
      const out = new Map<string, RemoteEntry>();
      const walk = (id: string, prefix: string): void => {
        for (const child of children(id)) {
          const path = prefix ? `${prefix}/${child.name}` : child.name;
          if (child.kind === "folder") walk(child.id, path);
          else out.set(path, view(child));
        }
      };
      walk(folderId, "");
      return out;
    },
  };
  return cloud;
}
