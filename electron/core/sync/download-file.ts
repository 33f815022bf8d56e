/**
 * Brings one cloud file down into a pair's folder without ever losing a local byte: the content
 * streams into a temporary file beside the target (a name the sync ignores), is checked against the
 * size and hash the service gives, gets the cloud's mtime, and only then replaces the target with one
 * rename, so the target is always either the old file or the whole new one. A target that changed on
 * this computer since the caller looked at it is never replaced: the download is refused and its
 * temporary file removed.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { lstat, mkdir, rename, rm, utimes } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { CloudError, isCloudError } from "../cloud/errors.ts";
import type { CloudProvider, RemoteEntry } from "../cloud/provider.ts";
import { toNative, type LocalFile } from "./scan.ts";

/** What the caller saw at the target when it planned the download; null: nothing was there. */
export interface ExpectedTarget {
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface DownloadFileOptions {
  provider: CloudProvider;
  /** The cloud file; its `mtime` becomes the local file's. */
  entry: Pick<RemoteEntry, "id" | "mtime">;
  /** The pair's folder. */
  root: string;
  /** The target, relative to `root`, "/"-separated. */
  path: string;
  expected: ExpectedTarget | null;
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
  signal?: AbortSignal;
}

/** The file as it now is on disk, with the MD5 of the bytes written: what the journal records. */
export interface DownloadedFile extends LocalFile {
  md5: string;
}

/** The temporary name of a download in progress: hidden, and `*.tmp`, which the sync ignores. */
export function downloadTempName(name: string): string {
  return `.${name}.${randomBytes(6).toString("hex")}.docsync-download.tmp`;
}

/** A download a crash left behind (safe to remove: the target was never replaced by it). */
export const isDownloadTemp = (name: string): boolean =>
  /^\..*\.[0-9a-f]{12}\.docsync-download\.tmp$/s.test(name);

function targetPath(root: string, path: string): string {
  const target = resolve(root, toNative(path));
  const inside = relative(resolve(root), target);
  if (path === "" || inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
    throw new CloudError("invalid", `"${path}" is not a file path inside ${root}.`);
  }
  return target;
}

async function statOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Refuses when the target is not what the caller planned with: a local edit is never overwritten. */
async function assertTargetAsExpected(target: string, path: string, expected: ExpectedTarget | null) {
  const now = await statOrNull(target);
  const same =
    expected === null
      ? now === null
      : now !== null &&
        now.isFile() &&
        now.size === expected.size &&
        now.mtimeMs === expected.mtimeMs &&
        now.ino === expected.ino;
  if (!same) {
    throw new CloudError(
      "changed",
      `${path} changed on this computer since the download was planned; it is kept, not overwritten.`,
    );
  }
}

export async function downloadFile(options: DownloadFileOptions): Promise<DownloadedFile> {
  const { provider, entry, path, signal } = options;
  const target = targetPath(options.root, path);
  // Checked before any byte moves, and again just before the rename.
  await assertTargetAsExpected(target, path, options.expected);
  const source = await provider.downloadSource(entry.id, signal);

  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), downloadTempName(basename(target)));
  try {
    const md5 = createHash("md5");
    const check = source.digest?.algorithm === "sha256" ? createHash("sha256") : undefined;
    let received = 0;
    let response: Response;
    try {
      response = await fetch(source.url, signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted) throw new CloudError("cancelled", "The download was cancelled.", { cause: error });
      throw new CloudError("transient", `The download of ${path} failed (${(error as Error).message}).`, {
        cause: error,
      });
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new CloudError("transient", `The download address of ${path} answered HTTP ${response.status}.`);
    }
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        md5.update(chunk);
        check?.update(chunk);
        options.onProgress?.(received, source.size);
        done(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream),
        counter,
        createWriteStream(temp, { flags: "wx" }),
        signal ? { signal } : {},
      );
    } catch (error) {
      if (signal?.aborted) throw new CloudError("cancelled", "The download was cancelled.", { cause: error });
      throw new CloudError("transient", `The download of ${path} broke off (${(error as Error).message}).`, {
        cause: error,
      });
    }

    const md5Hex = md5.digest("hex");
    if (source.size !== undefined && received !== source.size) {
      throw new CloudError(
        "transient",
        `${path} arrived with ${received} bytes where the service said ${source.size}; it will be downloaded again.`,
      );
    }
    if (source.digest) {
      const got = source.digest.algorithm === "md5" ? md5Hex : check!.digest("hex");
      if (got !== source.digest.hex.toLowerCase()) {
        throw new CloudError(
          "transient",
          `${path} arrived damaged (its ${source.digest.algorithm.toUpperCase()} is not the service's); it will be downloaded again.`,
        );
      }
    }
    const mtime = new Date(entry.mtime);
    await utimes(temp, mtime, mtime);
    await assertTargetAsExpected(target, path, options.expected);
    await rename(temp, target);
    const stats = await lstat(target);
    return {
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      dev: stats.dev,
      ino: stats.ino,
      btimeMs: stats.birthtimeMs,
      md5: md5Hex,
    };
  } catch (error) {
    await rm(temp, { force: true });
    if (isCloudError(error)) throw error;
    throw new CloudError("invalid", `Cannot write ${path} (${(error as Error).message}).`, { cause: error });
  }
}
