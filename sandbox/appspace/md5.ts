/**
 * MD5 for streams that can leave the main thread: a large upload needs two MD5s (the whole body for
 * the signature, the file for its identity), and one core cannot do both at loopback speed.
 */
import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";
import { Transform } from "node:stream";
import type { Md5Reply, Md5Request } from "./md5-worker.ts";

/** Chunks in flight to a worker, at most; beyond it the stream waits (memory stays bounded). */
const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;

interface Session {
  inFlight: number;
  failed: boolean;
  wake: (() => void) | undefined;
  done: (md5: string) => void;
  fail: (error: Error) => void;
}

export class Md5Pool {
  private readonly size: number;
  private readonly workers: (Worker | undefined)[] = [];
  private readonly sessions = new Map<number, Session>();
  private nextId = 1;
  private closed = false;

  constructor(size: number) {
    this.size = size;
  }

  private worker(id: number): Worker {
    const index = id % this.size;
    let worker = this.workers[index];
    if (!worker) {
      worker = new Worker(new URL("./md5-worker.ts", import.meta.url));
      worker.unref();
      worker.on("message", (reply: Md5Reply) => this.onReply(reply));
      worker.on("error", (error) => this.failAll(error));
      worker.on("exit", () => {
        // The next session starts a fresh worker; the ones in flight cannot finish.
        if (this.workers[index] === worker) this.workers[index] = undefined;
        this.failAll(new Error("the MD5 worker stopped"));
      });
      this.workers[index] = worker;
    }
    return worker;
  }

  private onReply(reply: Md5Reply): void {
    const session = this.sessions.get(reply.id);
    if (!session) return;
    if (reply.acked !== undefined) {
      session.inFlight -= reply.acked;
      if (session.inFlight <= MAX_IN_FLIGHT_BYTES / 2 && session.wake) {
        const wake = session.wake;
        session.wake = undefined;
        wake();
      }
    }
    if (reply.md5 !== undefined) {
      this.sessions.delete(reply.id);
      session.done(reply.md5);
    }
  }

  private failAll(error: Error): void {
    for (const session of this.sessions.values()) {
      session.failed = true;
      session.fail(error);
      // A stream waiting for acknowledgements runs on; its digest reports the failure.
      session.wake?.();
    }
    this.sessions.clear();
  }

  /** A pass-through stream that hashes what flows through it on a worker thread. */
  stream(): Md5Stream {
    if (this.closed) throw new Error("the MD5 pool is closed");
    const id = this.nextId++;
    const worker = this.worker(id);
    let resolveDigest!: (md5: string) => void;
    let rejectDigest!: (error: Error) => void;
    const digest = new Promise<string>((resolve, reject) => {
      resolveDigest = resolve;
      rejectDigest = reject;
    });
    digest.catch(() => undefined);
    const session: Session = {
      inFlight: 0,
      failed: false,
      wake: undefined,
      done: resolveDigest,
      fail: rejectDigest,
    };
    this.sessions.set(id, session);
    const post = (message: Md5Request, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);
    const transform = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (session.failed) {
          callback(null, chunk);
          return;
        }
        // A copy of exactly these bytes: a Buffer view may sit in a larger shared pool.
        const copy = new Uint8Array(chunk);
        session.inFlight += copy.byteLength;
        post({ id, data: copy }, [copy.buffer]);
        this.push(chunk);
        if (session.inFlight < MAX_IN_FLIGHT_BYTES) callback();
        else session.wake = () => callback();
      },
      flush(callback) {
        post({ id, end: true });
        callback();
      },
    });
    transform.on("error", () => {
      this.sessions.delete(id);
      post({ id, end: true });
    });
    return { transform, digest: () => digest };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error("the MD5 pool closed"));
    await Promise.all(this.workers.map((worker) => worker?.terminate()));
  }
}

export interface Md5Stream {
  transform: Transform;
  /** Settles after the stream has ended. */
  digest(): Promise<string>;
}

/** The same on the main thread, for small bodies where a worker round trip costs more than it saves. */
export function inlineMd5Stream(): Md5Stream {
  const hash = createHash("md5");
  let md5: string | undefined;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      md5 = hash.digest("hex");
      callback();
    },
  });
  return {
    transform,
    digest: async () => {
      if (md5 === undefined) throw new Error("the stream has not ended");
      return md5;
    },
  };
}
