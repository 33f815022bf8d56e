/**
 * MD5s of a file's bytes, computed on worker threads from an already open descriptor. A direct
 * upload needs two MD5s over the same bytes (the file's and the multipart body's); MD5 cannot be
 * split, so running them side by side halves the time before the first byte is sent, and the main
 * thread (which also serves the UI's requests) stays free. Threads are kept between uploads:
 * starting one costs about as much as hashing 25 MiB.
 */
import { Worker } from "node:worker_threads";
import { CloudError } from "../errors.ts";

// Plain CommonJS so the worker starts without TypeScript and without a file of its own on disk.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { readSync } = require("node:fs");
parentPort.on("message", ({ fd, size, chunk, prefix, suffix }) => {
  try {
    const hash = createHash("md5");
    if (prefix) hash.update(prefix);
    const buffer = Buffer.allocUnsafeSlow(Math.max(1, Math.min(chunk, size)));
    let position = 0;
    while (position < size) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, size - position), position);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      position += read;
    }
    if (suffix && position === size) hash.update(suffix);
    parentPort.postMessage({ md5: hash.digest("hex"), bytes: position });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
});
`;

const MAX_IDLE_THREADS = 4;
const idle: Worker[] = [];

/** The threads kept for the next upload (tests use it to end them). */
export function idleHashThreads(): readonly Worker[] {
  return [...idle];
}

function startWorker(): Worker {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  // A thread that ends while idle must not be handed a job it would never answer.
  worker.once("exit", () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  return worker;
}

type Reply = { md5: string; bytes: number } | { error: string };

export interface DescriptorHashJob {
  fd: number;
  /** Bytes [0, size) of the file are hashed. */
  size: number;
  /** Read size. */
  chunk: number;
  /** Hashed before and after the file's bytes. */
  prefix?: Uint8Array;
  suffix?: Uint8Array;
}

/** MD5 of prefix + file + suffix; `bytes` is less than `size` when the file came up short. */
export function md5OfDescriptor(
  job: DescriptorHashJob,
  signal?: AbortSignal,
): Promise<{ md5: string; bytes: number }> {
  const worker = idle.pop() ?? startWorker();
  worker.ref();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      signal?.removeEventListener("abort", onAbort);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const retire = () => {
      cleanup();
      void worker.terminate();
    };
    const onAbort = () => {
      // The thread is inside a synchronous loop; ending it is the only way to stop it.
      retire();
      reject(new CloudError("cancelled", "The upload was cancelled.", { cause: signal?.reason }));
    };
    const onMessage = (reply: Reply) => {
      cleanup();
      if (idle.length < MAX_IDLE_THREADS) {
        worker.unref();
        idle.push(worker);
      } else {
        void worker.terminate();
      }
      if ("error" in reply) reject(new Error(`hashing failed: ${reply.error}`));
      else resolve(reply);
    };
    const onError = (error: Error) => {
      retire();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`the hashing thread stopped with code ${code}`));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", onMessage);
    worker.once("error", onError);
    worker.once("exit", onExit);
    worker.postMessage(job);
  });
}
