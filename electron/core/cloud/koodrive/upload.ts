/**
 * The three-step upload of a local file: create (a new file or a new version), PUT the bytes part by
 * part, complete with the SHA-256. The file is read once: each part is hashed as it streams out, so
 * the digest is ready when the last byte is sent. A part that fails is sent again from the hash state
 * it started with. Progress (the upload and the parts acknowledged) is handed to `resume.save`, so a
 * restart continues after the last acknowledged part instead of from the start.
 */
import { createHash, type Hash } from "node:crypto";
import { basename } from "node:path";
import { CloudError, isCloudError } from "../errors.ts";
import { withRetry } from "../http/retry.ts";
import { READ_CHUNK, assertUnchanged, openLocalFile, type LocalFile } from "../local-file.ts";
import {
  MAX_FILE_SIZE,
  MAX_PARTS,
  MAX_PART_SIZE,
  MIN_PART_SIZE,
  type KooEntry,
  type PartAddress,
} from "./adapter.ts";
import type { KooDriveClient } from "./client.ts";

export interface LocalUpload {
  localPath: string;
  name?: string;
  parentId?: string;
  replaceId?: string;
  expected?: { size: number; mtimeMs: number };
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  resume?: { state: unknown; save(state: unknown): void; dropped?(reason: string): void };
  signal?: AbortSignal;
}

export interface UploadTuning {
  /** Bytes per part of a multipart upload; files up to this size go up in one put. */
  partSize: number;
}

/** What a restart needs to continue an upload. */
interface ResumeState {
  kind: "create" | "revision";
  fileId: string;
  uploadId: string;
  size: number;
  mtimeMs: number;
  partSize: number;
  partsDone: number;
}

/** How many part addresses to ask for at once. */
const ADDRESS_BATCH = 16;

export function checkPartSize(partSize: number): number {
  if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new CloudError("invalid", `A KooDrive part holds 5 MiB to 5 GiB, not ${partSize} bytes.`);
  }
  return partSize;
}

export async function uploadLocalFile(
  client: KooDriveClient,
  input: LocalUpload,
  tuning: UploadTuning,
): Promise<KooEntry> {
  try {
    return await uploadOnce(client, input, tuning);
  } catch (error) {
    // The server forgot the upload being resumed (expired, completed elsewhere): start it afresh.
    if (!input.resume?.state || !isCloudError(error, "not-found")) throw error;
    input.resume.save(undefined);
    input.resume.dropped?.("KooDrive no longer knows the upload");
    return uploadOnce(client, { ...input, resume: { ...input.resume, state: undefined } }, tuning);
  }
}

async function uploadOnce(
  client: KooDriveClient,
  input: LocalUpload,
  tuning: UploadTuning,
): Promise<KooEntry> {
  const { signal } = input;
  const name = input.name ?? basename(input.localPath);
  const file = await openLocalFile(input.localPath, input.expected);
  try {
    const { size, mtimeMs } = file.snapshot;
    if (size > MAX_FILE_SIZE) {
      throw new CloudError(
        "too-large",
        `${name} is ${size} bytes; KooDrive takes files up to ${MAX_FILE_SIZE} bytes.`,
      );
    }
    // Parts grow for files so large that the default would need more than 10,000 of them.
    const partSize = Math.max(tuning.partSize, Math.ceil(size / MAX_PARTS));
    const mode = size <= partSize ? "put" : "multipart";
    const kind = input.replaceId !== undefined ? "revision" : "create";
    const partCount = Math.max(1, Math.ceil(size / partSize));
    const partSizeOf = (n: number) => (mode === "put" ? size : Math.min(partSize, size - (n - 1) * partSize));

    let state = resumable(input.resume?.state, { kind, size, mtimeMs, partSize });
    if (!state && input.resume?.state) {
      // Saved for another upload of this path (the file changed since): start again.
      input.resume.save(undefined);
      input.resume.dropped?.("the file changed since its upload started");
    }
    let addresses: PartAddress[] = [];
    if (!state) {
      const session = await client.createUpload(
        input.replaceId !== undefined
          ? { replaceId: input.replaceId }
          : { parentId: input.parentId ?? "root", name },
        { length: size, mode },
        signal,
      );
      if (session.rapid) return await client.stat(session.fileId, signal);
      state = {
        kind,
        fileId: session.fileId,
        uploadId: session.uploadId,
        size,
        mtimeMs,
        partSize,
        partsDone: 0,
      };
      addresses = session.parts;
      input.resume?.save(state);
    }

    let hash = createHash("sha256");
    // The parts sent cover the whole file once the last (shorter) one is in.
    if (state.partsDone > 0)
      hash = await hashPrefix(file, Math.min(size, state.partsDone * partSize), signal);
    let sentBefore = Math.min(size, state.partsDone * partSize);
    input.onProgress?.(sentBefore, size);

    for (let n = state.partsDone + 1; n <= partCount; n++) {
      let address = addresses.find((a) => a.partNumber === n);
      if (!address) {
        const wanted = [];
        for (let k = n; k <= Math.min(partCount, n + ADDRESS_BATCH - 1); k++) {
          wanted.push({ partNumber: k, partSize: partSizeOf(k) });
        }
        addresses = await client.uploadUrls(state.fileId, state.uploadId, wanted, signal);
        address = addresses.find((a) => a.partNumber === n);
        if (!address) throw new CloudError("protocol", `KooDrive gave no address for part ${n} of ${name}.`);
      }
      const offset = (n - 1) * partSize;
      const atStart = hash.copy();
      const part = address;
      await withRetry(
        async ({ attempt }) => {
          if (attempt > 1) hash = atStart.copy();
          await assertUnchanged(file, "before it was sent");
          try {
            await client.putPart(part, readPart(file, offset, part.partSize, hash, signal), {
              ...(signal ? { signal } : {}),
              onSent: (bytes) => input.onProgress?.(sentBefore + bytes, size),
            });
          } catch (error) {
            if (isCloudError(error, "transient")) await assertUnchanged(file, "while it was being sent");
            throw error;
          }
        },
        client.retryPolicy,
        signal,
      );
      sentBefore += part.partSize;
      state = { ...state, partsDone: n };
      input.resume?.save(state);
    }
    await assertUnchanged(file, "while it was being sent");
    const sha256 = hash.digest("hex");
    try {
      await client.complete(state.kind, state.fileId, state.uploadId, sha256, signal);
    } catch (error) {
      // A complete whose answer was lost: the retry finds no upload, but the file is there.
      if (!isCloudError(error, "not-found")) throw error;
      const entry = await client.stat(state.fileId, signal).catch(() => undefined);
      if (entry?.sha256 !== sha256) throw error;
    }
    input.resume?.save(undefined);
    return await client.stat(state.fileId, signal);
  } finally {
    await file.handle.close();
  }
}

/** The saved state, when it still describes this upload of this file. */
function resumable(
  saved: unknown,
  now: Pick<ResumeState, "kind" | "size" | "mtimeMs" | "partSize">,
): ResumeState | undefined {
  if (!saved || typeof saved !== "object") return undefined;
  const s = saved as Partial<ResumeState>;
  const same =
    s.kind === now.kind &&
    s.size === now.size &&
    s.mtimeMs === now.mtimeMs &&
    s.partSize === now.partSize &&
    typeof s.fileId === "string" &&
    typeof s.uploadId === "string" &&
    Number.isInteger(s.partsDone) &&
    (s.partsDone ?? -1) >= 0;
  return same ? (s as ResumeState) : undefined;
}

/** The bytes [offset, offset + length) in chunks, each hashed as it is read. */
async function* readPart(
  file: LocalFile,
  offset: number,
  length: number,
  hash: Hash,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  let position = offset;
  const end = offset + length;
  while (position < end) {
    if (signal?.aborted)
      throw new CloudError("cancelled", "The upload was cancelled.", { cause: signal.reason });
    const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, end - position));
    let filled = 0;
    while (filled < chunk.length) {
      const { bytesRead } = await file.handle.read(chunk, filled, chunk.length - filled, position + filled);
      if (bytesRead === 0) throw new CloudError("changed", `${file.path} changed while it was being sent.`);
      filled += bytesRead;
    }
    hash.update(chunk);
    position += chunk.length;
    yield chunk;
  }
}

/** After a restart: the hash of the parts already sent (read again, not sent again). */
async function hashPrefix(file: LocalFile, length: number, signal: AbortSignal | undefined): Promise<Hash> {
  const hash = createHash("sha256");
  for await (const _chunk of readPart(file, 0, length, hash, signal)) {
    // readPart hashes as it reads.
  }
  return hash;
}
