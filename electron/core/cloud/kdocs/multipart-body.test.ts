import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { openLocalFile, type LocalFile } from "../local-file.ts";
import { hashForUpload, multipartFrame, uploadBody } from "./multipart.ts";
import { idleHashThreads } from "./parallel-md5.ts";

const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");
let dir: string;
const open: LocalFile[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdocs-local-"));
});
afterEach(async () => {
  for (const f of open.splice(0)) await f.handle.close();
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(content: Buffer): Promise<LocalFile> {
  const path = join(dir, "f.bin");
  await writeFile(path, content);
  const file = await openLocalFile(path);
  open.push(file);
  return file;
}

const frame = multipartFrame([["parent_token", "0"]], { field: "file", filename: "f.bin" });

test.each([
  ["a small file, hashed on this thread", 3_000],
  ["a large file, hashed on two threads", 9 * 1024 * 1024 + 5],
])("%s: the file's MD5 and the whole body's MD5", async (_label, size) => {
  const content = randomBytes(size);
  const file = await fileWith(content);
  const digests = await hashForUpload(file, frame);
  expect(digests).toMatchObject({
    md5: md5(content),
    bodyMd5: md5(Buffer.concat([frame.preamble, content, frame.epilogue])),
  });
  const body: Buffer[] = [];
  const { chunks, recycle } = uploadBody(file, frame, digests.bytes);
  for await (const chunk of chunks) {
    body.push(Buffer.from(chunk));
    recycle(chunk);
  }
  expect(md5(Buffer.concat(body))).toBe(digests.bodyMd5);
});

test("a small file is sent from the bytes it was hashed from, a large one is read again", async () => {
  const small = await fileWith(randomBytes(3_000));
  expect((await hashForUpload(small, frame)).bytes).toHaveLength(3_000);
  const large = await fileWith(randomBytes(9 * 1024 * 1024));
  expect((await hashForUpload(large, frame)).bytes).toBeUndefined();
  // Overwritten after hashing: the body still carries the bytes that were hashed, never a mix.
  const content = randomBytes(3_000);
  const file = await fileWith(content);
  const digests = await hashForUpload(file, frame);
  await writeFile(file.path, randomBytes(3_000));
  const body: Buffer[] = [];
  for await (const chunk of uploadBody(file, frame, digests.bytes).chunks) body.push(Buffer.from(chunk));
  expect(Buffer.concat(body)).toEqual(Buffer.concat([frame.preamble, content, frame.epilogue]));
});

test.each([
  ["a small file", 3_000],
  ["a large file", 9 * 1024 * 1024 + 5],
])("%s whose MD5 the caller planned with is read once, for the body's MD5 alone", async (_label, size) => {
  const content = randomBytes(size);
  const file = await fileWith(content);
  // Not the content's MD5: were the file hashed again, the answer would say so.
  const planned = "0123456789abcdef0123456789abcdef";
  await expect(hashForUpload(file, frame, undefined, planned)).resolves.toMatchObject({
    md5: planned,
    bodyMd5: md5(Buffer.concat([frame.preamble, content, frame.epilogue])),
  });
});

test("a file that shrinks after it was opened is refused as changed", async () => {
  const file = await fileWith(randomBytes(10 * 1024 * 1024));
  await truncate(file.path, 1024);
  await expect(hashForUpload(file, frame)).rejects.toMatchObject({ kind: "changed" });
});

test("hashing stops when the upload is cancelled", async () => {
  const file = await fileWith(randomBytes(10 * 1024 * 1024));
  const controller = new AbortController();
  controller.abort();
  await expect(hashForUpload(file, frame, controller.signal)).rejects.toMatchObject({ kind: "cancelled" });
});

test("a folder is not a file to upload", async () => {
  await expect(openLocalFile(dir)).rejects.toMatchObject({ kind: "invalid" });
});

test("a hashing thread that ended while idle is replaced", async () => {
  const content = randomBytes(9 * 1024 * 1024);
  const file = await fileWith(content);
  await hashForUpload(file, frame);
  await Promise.all(idleHashThreads().map((worker) => worker.terminate()));
  await expect(hashForUpload(file, frame)).resolves.toMatchObject({ md5: md5(content) });
});
