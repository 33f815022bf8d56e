/**
 * Reads a multipart/form-data request as a stream: small fields into memory, the one file part
 * straight to a temporary file, so a slice of any size never sits whole in memory.
 */
import type { IncomingHttpHeaders } from "node:http";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Busboy } from "@fastify/busboy";

export interface ReceivedForm {
  fields: Map<string, string>;
  /** The file part, written to `path` (the caller moves or removes it). */
  file: { path: string; size: number } | null;
  /** The file part was larger than `maxFileSize`; nothing of it was kept. */
  fileTooLarge: boolean;
}

export class FormError extends Error {}

export async function receiveForm(
  request: Readable,
  headers: IncomingHttpHeaders,
  options: { tmpDir: string; fileField: string; maxFileSize: number },
): Promise<ReceivedForm> {
  const contentType = headers["content-type"];
  if (!contentType?.startsWith("multipart/form-data")) {
    throw new FormError("the body must be multipart/form-data");
  }
  let busboy: ReturnType<typeof Busboy>;
  try {
    busboy = Busboy({
      headers: { ...headers, "content-type": contentType },
      limits: { fileSize: options.maxFileSize, fieldSize: 64 * 1024, fields: 32, files: 4 },
    });
  } catch (error) {
    throw new FormError(`malformed multipart body: ${(error as Error).message}`);
  }

  const fields = new Map<string, string>();
  let file: { path: string; size: number } | null = null;
  let fileTooLarge = false;
  const writes: Promise<void>[] = [];
  const tmpPaths: string[] = [];
  const fileStreams: Readable[] = [];

  busboy.on("field", (name, value) => {
    if (!fields.has(name)) fields.set(name, value);
  });
  busboy.on("file", (name, stream) => {
    if (name !== options.fileField || file !== null || tmpPaths.length > 0) {
      stream.resume();
      return;
    }
    const path = join(options.tmpDir, `${randomUUID()}.part`);
    tmpPaths.push(path);
    fileStreams.push(stream);
    stream.on("limit", () => {
      fileTooLarge = true;
    });
    writes.push(
      pipeline(stream, createWriteStream(path)).then(() => {
        file = { path, size: stream.bytesRead };
      }),
    );
  });

  const cleanup = async () => {
    await Promise.all(tmpPaths.map((p) => rm(p, { force: true })));
  };
  try {
    await pipeline(request, busboy);
    await Promise.all(writes);
  } catch (error) {
    // A body cut off mid-file leaves the file part open: end its write so the temp file can go.
    for (const stream of fileStreams) stream.destroy(error as Error);
    await Promise.allSettled(writes);
    await cleanup();
    if (request.destroyed || request.readableAborted) throw error;
    throw new FormError(`malformed multipart body: ${(error as Error).message}`);
  }
  if (fileTooLarge) {
    await cleanup();
    return { fields, file: null, fileTooLarge };
  }
  return { fields, file, fileTooLarge };
}
