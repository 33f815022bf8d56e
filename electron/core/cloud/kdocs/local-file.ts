/**
 * The local side of a direct upload. The file is opened once, hashed (the file's MD5 and the whole
 * multipart body's MD5, which the signature needs before the first byte goes out; a large file is
 * hashed on two threads at once), then read again through the same handle to be sent. A size or
 * mtime that moves between the passes, or a read that comes up short, refuses the upload as
 * "changed" rather than sending a torn file.
 */
import { createHash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";
import { CloudError } from "../errors.ts";
import type { MultipartFrame } from "./multipart.ts";
import { md5OfDescriptor } from "./parallel-md5.ts";

/** Large reads keep syscalls and hash calls few. */
export const READ_CHUNK = 1024 * 1024;

export interface FileSnapshot {
  size: number;
  mtimeMs: number;
}

export interface LocalFile {
  path: string;
  handle: FileHandle;
  snapshot: FileSnapshot;
}

export async function openLocalFile(path: string, expected?: FileSnapshot): Promise<LocalFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw localError(path, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new CloudError("invalid", `${path} is not a regular file.`);
    const snapshot = { size: stat.size, mtimeMs: stat.mtimeMs };
    if (expected && !sameSnapshot(expected, snapshot)) {
      throw changed(path, "since it was planned for upload");
    }
    return { path, handle, snapshot };
  } catch (error) {
    await handle.close();
    throw error instanceof CloudError ? error : localError(path, error);
  }
}

export async function assertUnchanged(file: LocalFile, when: string): Promise<void> {
  const stat = await file.handle.stat();
  if (!sameSnapshot(file.snapshot, { size: stat.size, mtimeMs: stat.mtimeMs }))
    throw changed(file.path, when);
}

export interface UploadDigests {
  /** Of the file's bytes. */
  md5: string;
  /** Of preamble + file + epilogue, as the signature wants it. */
  bodyMd5: string;
}

/** Below this, threads cost more than they save. */
const THREADED_HASH_FROM = 8 * 1024 * 1024;

export async function hashForUpload(
  file: LocalFile,
  frame: MultipartFrame,
  signal?: AbortSignal,
): Promise<UploadDigests> {
  const { size } = file.snapshot;
  if (signal?.aborted)
    throw new CloudError("cancelled", "The upload was cancelled.", { cause: signal.reason });
  let digests: UploadDigests;
  if (size >= THREADED_HASH_FROM) {
    const job = { fd: file.handle.fd, size, chunk: READ_CHUNK };
    const [plain, body] = await Promise.all([
      md5OfDescriptor(job, signal),
      md5OfDescriptor({ ...job, prefix: frame.preamble, suffix: frame.epilogue }, signal),
    ]);
    if (plain.bytes !== size || body.bytes !== size) throw changed(file.path, "while it was being read");
    digests = { md5: plain.md5, bodyMd5: body.md5 };
  } else {
    digests = await hashInline(file, frame);
  }
  await assertUnchanged(file, "while it was being read");
  return digests;
}

async function hashInline(file: LocalFile, frame: MultipartFrame): Promise<UploadDigests> {
  const { size } = file.snapshot;
  const fileHash = createHash("md5");
  const bodyHash = createHash("md5").update(frame.preamble);
  const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, size)));
  for (let position = 0; position < size;) {
    const { bytesRead } = await file.handle.read(
      buffer,
      0,
      Math.min(buffer.length, size - position),
      position,
    );
    if (bytesRead === 0) throw changed(file.path, "while it was being read");
    const chunk = buffer.subarray(0, bytesRead);
    fileHash.update(chunk);
    bodyHash.update(chunk);
    position += bytesRead;
  }
  bodyHash.update(frame.epilogue);
  return { md5: fileHash.digest("hex"), bodyMd5: bodyHash.digest("hex") };
}

/**
 * The multipart body, reading the file ahead of the socket by one chunk. Chunk memory comes back
 * through `recycle` once the socket has flushed it, so a large file streams through a handful of
 * buffers instead of one allocation per chunk.
 */
export function uploadBody(
  file: LocalFile,
  frame: MultipartFrame,
): { chunks: AsyncGenerator<Uint8Array>; recycle: (chunk: Uint8Array) => void } {
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

export function sameSnapshot(a: FileSnapshot, b: FileSnapshot): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function changed(path: string, when: string): CloudError {
  return new CloudError("changed", `${path} changed ${when}; it will be uploaded once it settles.`);
}

function localError(path: string, error: unknown): CloudError {
  const code = (error as { code?: unknown })?.code;
  if (code === "ENOENT") return new CloudError("changed", `${path} no longer exists.`, { cause: error });
  const reason = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
  return new CloudError("invalid", `Cannot read ${path} (${reason}).`, { cause: error });
}
