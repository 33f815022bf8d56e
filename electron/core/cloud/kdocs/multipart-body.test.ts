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
  expect(digests).toEqual({
    md5: md5(content),
    bodyMd5: md5(Buffer.concat([frame.preamble, content, frame.epilogue])),
  });
  const body: Buffer[] = [];
  const { chunks, recycle } = uploadBody(file, frame);
  for await (const chunk of chunks) {
    body.push(Buffer.from(chunk));
    recycle(chunk);
  }
  expect(md5(Buffer.concat(body))).toBe(digests.bodyMd5);
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
