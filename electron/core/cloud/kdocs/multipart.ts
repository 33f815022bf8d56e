/**
 * The multipart/form-data body of a direct upload. Its frame: text fields and the file part's header
 * (the preamble), the file's bytes, then the closing boundary (the epilogue). Knowing the frame's
 * bytes up front gives the exact Content-Length and lets the body's MD5 be computed while the file
 * streams, without building the body in memory. The file is hashed first (its own MD5 and the whole
 * body's, which the WPS-2 signature needs before the first byte goes out; a large file on two
 * threads at once), then read again to be sent; a file that fits in one read is sent from the bytes
 * it was hashed from. A file whose MD5 the caller already has (a pair hashed it to plan the upload)
 * is read once before sending, for the body's MD5 alone.
 */
import { createHash, randomBytes } from "node:crypto";
import { CloudError } from "../errors.ts";
import { READ_CHUNK, assertUnchanged, changed, type LocalFile } from "../local-file.ts";
import { md5OfDescriptor } from "./parallel-md5.ts";

export interface MultipartFrame {
  contentType: string;
  preamble: Buffer;
  epilogue: Buffer;
}

export function multipartFrame(
  fields: ReadonlyArray<readonly [string, string]>,
  file: { field: string; filename: string; contentType?: string },
  boundary = `----docsync${randomBytes(12).toString("hex")}`,
): MultipartFrame {
  let head = "";
  for (const [name, value] of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(file.field)}"; ` +
    `filename="${escapeName(file.filename)}"\r\n` +
    `Content-Type: ${file.contentType ?? "application/octet-stream"}\r\n\r\n`;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    preamble: Buffer.from(head, "utf8"),
    epilogue: Buffer.from(`\r\n--${boundary}--\r\n`, "utf8"),
  };
}

/**
 * Names travel as UTF-8 in a quoted string: a quote or backslash is escaped with a backslash, which
 * MIME parsers undo, so the server stores the name as given. Line breaks cannot appear in a header
 * and are percent-encoded as browsers do (names with them are refused by the server anyway).
 */
function escapeName(name: string): string {
  return name.replace(/["\\]/g, "\\$&").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export interface UploadDigests {
  /** Of the file's bytes. */
  md5: string;
  /** Of preamble + file + epilogue, as the signature wants it. */
  bodyMd5: string;
  /** The file's bytes, when they fit in one read: the body is sent from them. */
  bytes?: Buffer;
}

/** Below this, threads cost more than they save. */
const THREADED_HASH_FROM = 8 * 1024 * 1024;

export async function hashForUpload(
  file: LocalFile,
  frame: MultipartFrame,
  signal?: AbortSignal,
  /** The file's MD5, known to the caller: taken as the file's, not computed again. */
  knownMd5?: string,
): Promise<UploadDigests> {
  const { size } = file.snapshot;
  if (signal?.aborted)
    throw new CloudError("cancelled", "The upload was cancelled.", { cause: signal.reason });
  let digests: UploadDigests;
  if (size >= THREADED_HASH_FROM) {
    const job = { fd: file.handle.fd, size, chunk: READ_CHUNK };
    const [plain, body] = await Promise.all([
      knownMd5 === undefined ? md5OfDescriptor(job, signal) : { md5: knownMd5, bytes: size },
      md5OfDescriptor({ ...job, prefix: frame.preamble, suffix: frame.epilogue }, signal),
    ]);
    if (plain.bytes !== size || body.bytes !== size) throw changed(file.path, "while it was being read");
    digests = { md5: plain.md5, bodyMd5: body.md5 };
  } else {
    digests = await hashInline(file, frame, knownMd5);
  }
  await assertUnchanged(file, "while it was being read");
  return digests;
}

async function hashInline(file: LocalFile, frame: MultipartFrame, knownMd5?: string): Promise<UploadDigests> {
  const { size } = file.snapshot;
  const fileHash = knownMd5 === undefined ? createHash("md5") : undefined;
  const bodyHash = createHash("md5").update(frame.preamble);
  // A small file is kept whole: sending it needs no second read.
  const whole = size <= READ_CHUNK;
  const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, size)));
  for (let position = 0; position < size;) {
    const at = whole ? position : 0;
    const { bytesRead } = await file.handle.read(
      buffer,
      at,
      Math.min(buffer.length - at, size - position),
      position,
    );
    if (bytesRead === 0) throw changed(file.path, "while it was being read");
    const chunk = buffer.subarray(at, at + bytesRead);
    fileHash?.update(chunk);
    bodyHash.update(chunk);
    position += bytesRead;
  }
  bodyHash.update(frame.epilogue);
  return {
    md5: fileHash?.digest("hex") ?? knownMd5!,
    bodyMd5: bodyHash.digest("hex"),
    ...(whole ? { bytes: buffer.subarray(0, size) } : {}),
  };
}

/**
 * The multipart body, reading the file ahead of the socket by one chunk. Chunk memory comes back
 * through `recycle` once the socket has flushed it, so a large file streams through a handful of
 * buffers instead of one allocation per chunk.
 */
export function uploadBody(
  file: LocalFile,
  frame: MultipartFrame,
  /** The file's bytes, already read (they were hashed from them). */
  bytes?: Buffer,
): { chunks: AsyncGenerator<Uint8Array>; recycle: (chunk: Uint8Array) => void } {
  if (bytes) return { chunks: heldChunks(frame, bytes), recycle: () => {} };
  const spares: Buffer[] = [];
  const recycle = (chunk: Uint8Array) => {
    if (chunk.buffer.byteLength === READ_CHUNK && spares.length < 8) spares.push(Buffer.from(chunk.buffer));
  };
  return {
    // Only whole chunks are pooled; a small file's single chunk is sized to fit.
    chunks: bodyChunks(file, frame, (length) =>
      length === READ_CHUNK
        ? (spares.pop() ?? Buffer.allocUnsafeSlow(READ_CHUNK))
        : Buffer.allocUnsafe(length),
    ),
    recycle,
  };
}

async function* bodyChunks(
  file: LocalFile,
  frame: MultipartFrame,
  take: (length: number) => Buffer,
): AsyncGenerator<Uint8Array> {
  yield frame.preamble;
  const size = file.snapshot.size;
  const readAt = async (position: number): Promise<Buffer> => {
    const buffer = take(Math.min(READ_CHUNK, size - position));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await file.handle.read(buffer, filled, buffer.length - filled, position + filled);
      if (bytesRead === 0) throw changed(file.path, "while it was being sent");
      filled += bytesRead;
    }
    return buffer;
  };
  let position = 0;
  let next = size > 0 ? readAt(0) : undefined;
  while (next) {
    const chunk = await next;
    position += chunk.length;
    next = position < size ? readAt(position) : undefined;
    // A rejected read-ahead is awaited on the next turn; keep it from being reported as unhandled meanwhile.
    next?.catch(() => {});
    yield chunk;
  }
  yield frame.epilogue;
}

async function* heldChunks(frame: MultipartFrame, bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield frame.preamble;
  if (bytes.length > 0) yield bytes;
  yield frame.epilogue;
}
