/**
 * In the web shell the browser cannot hand over paths, so each dropped file is streamed to a staging
 * folder under the home, keeping its relative folders; the staged items are then uploaded exactly like
 * dropped paths in the desktop shell, and removed once their upload tasks are over.
 */
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

const DROP_ID = /^[A-Za-z0-9_-]{8,64}$/;
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export class DropRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DropRefused";
  }
}

/** The segments of a relative path sent by the browser, or an error for one that could leave the drop. */
export function safeSegments(relativePath: string): string[] {
  if (relativePath.length === 0 || relativePath.length > 4096)
    throw new DropRefused("The file path is empty or too long.");
  const segments = relativePath.split("/");
  for (const segment of segments) {
    if (
      segment === "" ||
      segment === "." ||
      segment === ".." ||
      /[\0\\]/.test(segment) ||
      segment.length > 255
    ) {
      throw new DropRefused(`The file path is not a plain relative path: ${relativePath}`);
    }
  }
  return segments;
}

export interface DropStaging {
  readonly root: string;
  /** Streams one file of a drop to its staging place; returns the bytes written. */
  receive(dropId: string, relativePath: string, body: Readable): Promise<number>;
  /** The staged paths of a drop's top-level items (files or folders), checked to exist. */
  stagedPaths(dropId: string, names: string[]): Promise<string[]>;
  /** Removes staged items that are no longer needed. */
  release(paths: string[]): Promise<void>;
  /** Removes drops left behind long ago (e.g. by a browser closed mid-drop). */
  sweepStale(now?: number): Promise<void>;
}

export function createDropStaging(root: string): DropStaging {
  const dropFolder = (dropId: string) => {
    if (!DROP_ID.test(dropId)) throw new DropRefused("The drop id is not valid.");
    return join(root, dropId);
  };
  return {
    root,
    async receive(dropId, relativePath, body) {
      const target = join(dropFolder(dropId), ...safeSegments(relativePath));
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      let written = 0;
      body.on("data", (chunk: Buffer) => (written += chunk.length));
      try {
        // "wx": two files of one drop never share a path, so an existing file means a confused client.
        await pipeline(body, createWriteStream(target, { flags: "wx", mode: 0o600 }));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") {
          throw new DropRefused(`This drop already has a file at ${relativePath}.`);
        }
        await rm(target, { force: true });
        throw error;
      }
      return written;
    },
    async stagedPaths(dropId, names) {
      const folder = dropFolder(dropId);
      const paths: string[] = [];
      for (const name of names) {
        const [segment, ...rest] = safeSegments(name);
        if (segment === undefined || rest.length > 0) throw new DropRefused(`Not a top-level item: ${name}`);
        const path = join(folder, segment);
        try {
          await stat(path);
        } catch {
          throw new DropRefused(`Nothing was received for ${name}.`);
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
        if (left && left.length === 0) await rm(folder, { recursive: true, force: true });
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
