/** Big test files written fast (a random MiB repeated with a per-MiB stamp) and their MD5. */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";

const MiB = 1024 * 1024;

export async function writeTestFile(path: string, size: number): Promise<void> {
  const block = randomBytes(MiB);
  const handle = await open(path, "w");
  try {
    for (let offset = 0; offset < size; offset += MiB) {
      // Every MiB differs, so a slice sent to the wrong place changes the file's MD5.
      block.writeUInt32BE(offset / MiB, 0);
      await handle.write(block, 0, Math.min(MiB, size - offset), offset);
    }
  } finally {
    await handle.close();
  }
}

export async function md5OfFile(path: string): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function md5OfUrl(url: string): Promise<{ md5: string; size: number }> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}`);
  const hash = createHash("md5");
  let size = 0;
  for await (const chunk of response.body) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { md5: hash.digest("hex"), size };
}
