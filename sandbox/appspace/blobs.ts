/** Content-addressed file bytes: dataDir/blobs/<md5 prefix>/<md5>, written through a temp file. */
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { inlineMd5Stream, type Md5Pool } from "./md5.ts";

export interface StagedBlob {
  tempPath: string;
  md5: string;
  size: number;
}

export class BlobStore {
  private readonly blobDir: string;
  private readonly tempDir: string;
  private readonly md5Pool: Md5Pool | undefined;

  /** With `md5Pool`, large content is hashed off the main thread. */
  constructor(dataDir: string, md5Pool?: Md5Pool) {
    this.md5Pool = md5Pool;
    this.blobDir = join(dataDir, "blobs");
    this.tempDir = join(dataDir, "tmp");
    mkdirSync(this.blobDir, { recursive: true });
    // Whatever a crash left half-written is garbage.
    rmSync(this.tempDir, { recursive: true, force: true });
    mkdirSync(this.tempDir, { recursive: true });
  }

  path(md5: string): string {
    return join(this.blobDir, md5.slice(0, 2), md5);
  }

  has(md5: string): boolean {
    return existsSync(this.path(md5));
  }

  /**
   * Streams `source` to a temp file, hashing on the way. `large` says the content may be big enough
   * to hash on a worker; `onBytes` sees the running byte count.
   */
  async stage(
    source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
    options: { large?: boolean; onBytes?: (n: number) => void } = {},
  ): Promise<StagedBlob> {
    const tempPath = join(this.tempDir, randomBytes(12).toString("hex"));
    const hashing = options.large && this.md5Pool ? this.md5Pool.stream() : inlineMd5Stream();
    let size = 0;
    const onBytes = options.onBytes;
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        onBytes?.(size);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(
        source,
        counting,
        hashing.transform,
        createWriteStream(tempPath, { highWaterMark: 1 << 20 }),
      );
      return { tempPath, md5: await hashing.digest(), size };
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  /** Moves a staged file into the store under its md5 (identical content is kept once). */
  async commit(staged: StagedBlob): Promise<void> {
    if (this.has(staged.md5)) {
      await rm(staged.tempPath, { force: true });
      return;
    }
    mkdirSync(join(this.blobDir, staged.md5.slice(0, 2)), { recursive: true });
    await rename(staged.tempPath, this.path(staged.md5));
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  async remove(md5: string): Promise<void> {
    await rm(this.path(md5), { force: true });
  }
}
