/**
 * File bytes by SHA-256 (dataDir/koodrive-blobs/<2 hex>/<sha256>), and the parts of uploads in
 * progress (dataDir/koodrive-blobs/parts/<upload id>/<part number>). Everything is written through a
 * temp file and renamed into place, so a crash leaves no half-written blob behind.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export class PartTooLong extends Error {}

export class KooBlobs {
  readonly #root: string;
  readonly #tmp: string;

  constructor(dataDir: string) {
    this.#root = join(dataDir, "koodrive-blobs");
    this.#tmp = join(this.#root, "tmp");
    rmSync(this.#tmp, { recursive: true, force: true });
    mkdirSync(this.#tmp, { recursive: true });
    mkdirSync(join(this.#root, "parts"), { recursive: true });
  }

  path(sha256: string): string {
    return join(this.#root, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.path(sha256));
  }

  partPath(uploadId: string, partNumber: number): string {
    return join(this.#root, "parts", uploadId, String(partNumber));
  }

  /** Streams a part to disk; fails with PartTooLong past `maxBytes`. Returns the bytes written. */
  async putPart(uploadId: string, partNumber: number, body: Readable, maxBytes: number): Promise<number> {
    const temp = this.#tempPath();
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) callback(new PartTooLong(`more than ${maxBytes} bytes`));
        else callback(null, chunk);
      },
    });
    try {
      await pipeline(body, limit, createWriteStream(temp));
      mkdirSync(join(this.#root, "parts", uploadId), { recursive: true });
      await rename(temp, this.partPath(uploadId, partNumber));
      return size;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async dropParts(uploadId: string): Promise<void> {
    await rm(join(this.#root, "parts", uploadId), { recursive: true, force: true });
  }

  /** Concatenates parts 1..count into a staged file, hashing on the way. */
  async assemble(
    uploadId: string,
    count: number,
  ): Promise<{ tempPath: string; sha256: string; size: number }> {
    const tempPath = this.#tempPath();
    const hash = createHash("sha256");
    let size = 0;
    const paths = Array.from({ length: count }, (_, i) => this.partPath(uploadId, i + 1));
    async function* parts() {
      for (const path of paths) {
        for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
      }
    }
    try {
      await pipeline(parts, createWriteStream(tempPath));
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
    return { tempPath, sha256: hash.digest("hex"), size };
  }

  /** Moves a staged file into the store (identical content is kept once). */
  async commit(tempPath: string, sha256: string): Promise<void> {
    if (this.has(sha256)) {
      await rm(tempPath, { force: true });
      return;
    }
    mkdirSync(join(this.#root, sha256.slice(0, 2)), { recursive: true });
    await rename(tempPath, this.path(sha256));
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  async remove(sha256: string): Promise<void> {
    if (sha256) await rm(this.path(sha256), { force: true });
  }

  #tempPath(): string {
    return join(this.#tmp, randomBytes(12).toString("hex"));
  }
}
