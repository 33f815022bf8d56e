/**
 * Reads a multipart upload as a stream: the whole body is hashed for the signature while the file
 * part goes to a temp file (hashed too), so a large upload never sits in memory.
 */
import { Busboy, type BusboyInstance } from "@fastify/busboy";
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BlobStore, StagedBlob } from "./blobs.ts";
import { ApiError, badArgument, tooLarge } from "./errors.ts";
import { inlineMd5Stream, type Md5Pool } from "./md5.ts";

export interface UploadBody {
  bodyMd5: string;
  fields: Map<string, string[]>;
  file: (StagedBlob & { filename: string }) | undefined;
}

const MAX_FIELD_BYTES = 64 * 1024;
/** Bodies above this are hashed on worker threads. */
const OFF_THREAD_BYTES = 4 * 1024 * 1024;

export async function readUploadBody(
  raw: Readable,
  headers: IncomingHttpHeaders,
  blobs: BlobStore,
  maxFileBytes: number,
  md5Pool?: Md5Pool,
): Promise<UploadBody> {
  let busboy: BusboyInstance;
  try {
    busboy = Busboy({
      headers: headers as IncomingHttpHeaders & { "content-type": string },
      limits: { files: 1, fileSize: maxFileBytes, fields: 200, fieldSize: MAX_FIELD_BYTES, parts: 202 },
    });
  } catch (error) {
    raw.resume();
    throw badArgument("Content-Type", `not a usable multipart/form-data type (${(error as Error).message})`);
  }

  const declared = Number(headers["content-length"] ?? Number.NaN);
  // A body of unknown length (chunked) may be large too.
  const large = !(declared <= OFF_THREAD_BYTES);
  const bodyHash = large && md5Pool ? md5Pool.stream() : inlineMd5Stream();
  const fields = new Map<string, string[]>();
  const problems: ApiError[] = [];
  let staging: Promise<UploadBody["file"]> | undefined;

  busboy.on("field", (name, value, _nameTruncated, valueTruncated) => {
    if (valueTruncated) problems.push(badArgument(name, `longer than ${MAX_FIELD_BYTES} bytes`));
    fields.set(name, [...(fields.get(name) ?? []), value]);
  });
  busboy.on("file", (name, stream, filename: string | undefined) => {
    if (name !== "file") {
      problems.push(badArgument(name, 'unexpected file part; the file goes in the part named "file"'));
      stream.resume();
      return;
    }
    if (!filename) {
      problems.push(badArgument("file", "the part needs a filename in its Content-Disposition"));
      stream.resume();
      return;
    }
    staging = blobs.stage(stream, { large }).then(async (staged) => {
      if (stream.truncated) {
        await blobs.discard(staged.tempPath);
        throw tooLarge(
          `file: larger than ${maxFileBytes} bytes, the limit of direct upload; use the async upload`,
        );
      }
      return { ...staged, filename };
    });
    // Keeps an early failure from being reported as unhandled before it is awaited below.
    staging.catch(() => undefined);
  });
  busboy.on("filesLimit", () => problems.push(badArgument("file", "only one file per upload")));

  try {
    await pipeline(raw, bodyHash.transform, busboy);
  } catch (error) {
    const file = await staging?.catch(() => undefined);
    if (file) await blobs.discard(file.tempPath);
    if (error instanceof ApiError) throw error;
    throw badArgument("body", `malformed multipart/form-data (${(error as Error).message})`);
  }
  const file = await staging;
  if (problems.length > 0) {
    if (file) await blobs.discard(file.tempPath);
    throw problems[0]!;
  }
  return { bodyMd5: await bodyHash.digest(), fields, file };
}
