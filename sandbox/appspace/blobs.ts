/** Content-addressed file bytes: dataDir/blobs/<md5 prefix>/<md5>, written through a temp file. */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface StagedBlob {
  tempPath: string;
  md5: string;
  size: number;
}

export class BlobStore {
  private readonly blobDir: string;
  private readonly tempDir: string;

  constructor(dataDir: string) {
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

  /** Streams `source` to a temp file, hashing on the way; `onBytes` sees the running byte count. */
  async stage(source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, onBytes?: (n: number) => void) {
    const tempPath = join(this.tempDir, randomBytes(12).toString("hex"));
    const hash = createHash("md5");
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        onBytes?.(size);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, hashing, createWriteStream(tempPath, { highWaterMark: 1 << 20 }));
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
    return { tempPath, md5: hash.digest("hex"), size } satisfies StagedBlob;
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
