/** Hashes MD5 sessions for the main thread, acknowledging each chunk so the sender can pace itself. */
import { createHash, type Hash } from "node:crypto";
import { parentPort } from "node:worker_threads";

export interface Md5Request {
  id: number;
  data?: Uint8Array;
  end?: boolean;
}

export interface Md5Reply {
  id: number;
  acked?: number;
  md5?: string;
}

const sessions = new Map<number, Hash>();
const port = parentPort!;

port.on("message", (message: Md5Request) => {
  let hash = sessions.get(message.id);
  if (!hash) {
    hash = createHash("md5");
    sessions.set(message.id, hash);
  }
  if (message.data) {
    hash.update(message.data);
    port.postMessage({ id: message.id, acked: message.data.byteLength } satisfies Md5Reply);
  }
  if (message.end) {
    sessions.delete(message.id);
    port.postMessage({ id: message.id, md5: hash.digest("hex") } satisfies Md5Reply);
  }
});
