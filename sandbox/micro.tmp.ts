import { createHash, randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Busboy } from "@fastify/busboy";
import { multipart } from "./testing/wps2-client.ts";
const data = randomBytes(60 * 1024 * 1024);
let t = performance.now();
createHash("md5").update(data).digest("hex");
console.log("md5", (performance.now() - t).toFixed(0), "ms");
const { body, contentType } = multipart([], { filename: "a", content: data });
const chunks: Buffer[] = [];
for (let i = 0; i < body.length; i += 65536) chunks.push(body.subarray(i, i + 65536));
t = performance.now();
const bb = Busboy({ headers: { "content-type": contentType }, limits: { fileSize: 1e9 } });
bb.on("file", (_n, s) => s.on("data", () => {}));
await pipeline(Readable.from(chunks), bb);
console.log("busboy", (performance.now() - t).toFixed(0), "ms");
t = performance.now();
await pipeline(
  Readable.from(chunks),
  new Writable({
    write(c, _e, cb) {
      cb();
    },
  }),
);
console.log("plain stream", (performance.now() - t).toFixed(0), "ms");
