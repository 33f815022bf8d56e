/** MD5 of a file's content, streamed so a large file never sits in memory. */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { open } from "node:fs/promises";

const smallFile = 1 << 20;
/** Below this a blocking read costs less than a trip through the thread pool. */
const tinyFile = 64 << 10;

export async function md5File(path: string, size?: number): Promise<string> {
  const hash = createHash("md5");
  if (size !== undefined && size <= tinyFile) {
    const content = readFileSync(path);
    if (content.length === size) return hash.update(content).digest("hex");
    return streamMd5(path);
  }
  if (size !== undefined && size <= smallFile) {
    // One read of a small file is much cheaper than a stream's setup.
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.allocUnsafe(size + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length === buffer.length) {
          // The file grew since its stat: hash all of it by streaming.
          return await streamMd5(path);
        }
      }
      return hash.update(buffer.subarray(0, length)).digest("hex");
    } finally {
      await handle.close();
    }
  }
  return streamMd5(path);
}

async function streamMd5(path: string): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
