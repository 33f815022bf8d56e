/**
 * In the web shell the browser cannot hand over paths, so each dropped file is streamed to a staging
 * folder under the home, keeping its relative folders; the staged items are then uploaded exactly like
 * dropped paths in the desktop shell, and removed once their upload tasks are over. A drop stages at
 * most so many bytes, and never fills the disk: some space always stays free.
 */
import { inEnglish, phraseOf, say, type Phrase, type Words } from "../core/words.ts";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rm, stat, statfs } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

const DROP_ID = /^[A-Za-z0-9_-]{8,64}$/;
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
const GiB = 1024 ** 3;

export interface DropLimits {
  /** Bytes one drop may stage in all. */
  maxDropBytes: number;
  /** Free space that must remain on the staging disk. */
  reserveBytes: number;
  /** Free bytes on the disk that holds `path`. */
  freeBytes(path: string): Promise<number>;
}

export const defaultDropLimits: DropLimits = {
  maxDropBytes: 16 * GiB,
  reserveBytes: 1 * GiB,
  async freeBytes(path) {
    const disk = await statfs(path);
    return disk.bavail * disk.bsize;
  },
};

/** A drop the shell will not take; `status` is the HTTP answer (413 too large, 507 no room). */
export class DropRefused extends Error {
  readonly status: 400 | 413 | 507;
  /** The reason's catalog key and values, for a page in another language. */
  readonly phrase: Phrase | undefined;
  constructor(words: Words, status: 400 | 413 | 507 = 400) {
    super(inEnglish(words));
    this.phrase = phraseOf(words);
    this.name = "DropRefused";
    this.status = status;
  }
}

function size(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${Math.floor(bytes / 1024 ** 2)} MiB`;
  return `${Math.max(0, bytes)} bytes`;
}

/** The segments of a relative path sent by the browser, or an error for one that could leave the drop. */
export function safeSegments(relativePath: string): string[] {
  if (relativePath.length === 0 || relativePath.length > 4096)
    throw new DropRefused(say("errors.drop.badPath", { path: relativePath.slice(0, 200) }));
  const segments = relativePath.split("/");
  for (const segment of segments) {
    if (
      segment === "" ||
      segment === "." ||
      segment === ".." ||
      /[\0\\]/.test(segment) ||
      segment.length > 255
    ) {
      throw new DropRefused(say("errors.drop.badPath", { path: relativePath }));
    }
  }
  return segments;
}

export interface DropStaging {
  readonly root: string;
  /**
   * Streams one file of a drop to its staging place; returns the bytes written. `declaredBytes` (the
   * request's Content-Length) lets a file that cannot fit be refused before a byte is written.
   */
  receive(dropId: string, relativePath: string, body: Readable, declaredBytes?: number): Promise<number>;
  /** The staged paths of a drop's top-level items (files or folders), checked to exist. */
  stagedPaths(dropId: string, names: string[]): Promise<string[]>;
  /** Removes staged items that are no longer needed. */
  release(paths: string[]): Promise<void>;
  /** Removes drops left behind long ago (e.g. by a browser closed mid-drop). */
  sweepStale(now?: number): Promise<void>;
}

export function createDropStaging(root: string, limits: Partial<DropLimits> = {}): DropStaging {
  const { maxDropBytes, reserveBytes, freeBytes } = { ...defaultDropLimits, ...limits };
  /** Bytes staged so far per drop (forgotten when the drop's folder goes). */
  const staged = new Map<string, number>();
  const dropFolder = (dropId: string) => {
    if (!DROP_ID.test(dropId)) throw new DropRefused(say("errors.drop.badId"));
    return join(root, dropId);
  };
  /** Why `bytes` more cannot be staged for the drop now, if they cannot. */
  const refusal = (dropId: string, relativePath: string, bytes: number, free: number) => {
    if ((staged.get(dropId) ?? 0) + bytes > maxDropBytes) {
      return new DropRefused(say("errors.drop.tooLarge", { limit: size(maxDropBytes) }), 413);
    }
    if (bytes > free - reserveBytes) {
      return new DropRefused(
        say("errors.drop.noRoom", { path: relativePath, free: size(free), reserve: size(reserveBytes) }),
        507,
      );
    }
    return undefined;
  };
  return {
    root,
    async receive(dropId, relativePath, body, declaredBytes) {
      const target = join(dropFolder(dropId), ...safeSegments(relativePath));
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      const free = await freeBytes(root);
      const early = refusal(dropId, relativePath, declaredBytes ?? 0, free);
      if (early) throw early;
      let written = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          written += chunk.length;
          done(refusal(dropId, relativePath, written, free) ?? null, chunk);
        },
      });
      try {
        // "wx": two files of one drop never share a path, so an existing file means a confused client.
        await pipeline(body, counted, createWriteStream(target, { flags: "wx", mode: 0o600 }));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") {
          throw new DropRefused(say("errors.drop.twice", { path: relativePath }));
        }
        await rm(target, { force: true });
        throw error;
      }
      staged.set(dropId, (staged.get(dropId) ?? 0) + written);
      return written;
    },
    async stagedPaths(dropId, names) {
      const folder = dropFolder(dropId);
      const paths: string[] = [];
      for (const name of names) {
        const [segment, ...rest] = safeSegments(name);
        if (segment === undefined || rest.length > 0)
          throw new DropRefused(say("errors.drop.notTopLevel", { name }));
        const path = join(folder, segment);
        try {
          await stat(path);
        } catch {
          throw new DropRefused(say("errors.drop.nothingReceived", { name }));
        }
        paths.push(path);
      }
      return paths;
    },
    async release(paths) {
      const folders = new Set<string>();
      for (const path of paths) {
        await rm(path, { recursive: true, force: true });
        folders.add(dirname(path));
      }
      for (const folder of folders) {
        const left = await readdir(folder).catch(() => null);
        if (left && left.length === 0) {
          await rm(folder, { recursive: true, force: true });
          staged.delete(basename(folder));
        }
      }
    },
    async sweepStale(now = Date.now()) {
      const drops = await readdir(root).catch(() => [] as string[]);
      for (const drop of drops) {
        const info = await stat(join(root, drop)).catch(() => null);
        if (info && now - info.mtimeMs > STALE_AFTER_MS)
          await rm(join(root, drop), { recursive: true, force: true });
      }
    },
  };
}
