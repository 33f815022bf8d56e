/**
 * Sends the core's numbered events to every connected page. A page that cannot keep up is skipped
 * rather than buffered without bound: it sees a gap in the numbers and fetches a fresh snapshot.
 */
import { WebSocket, type WebSocketServer } from "ws";
import type { CoreEvent } from "../core/api.ts";

const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

export interface EventFanout {
  send(event: CoreEvent): void;
  /** Messages sent (to all pages together) since the start, for the benchmarks. */
  readonly sent: number;
  close(): void;
}

export function createEventFanout(wss: WebSocketServer): EventFanout {
  let sent = 0;
  const alive = new WeakSet<WebSocket>();
  wss.on("connection", (socket) => {
    alive.add(socket);
    socket.on("pong", () => alive.add(socket));
    // Pages only listen; anything they send is ignored.
    socket.on("message", () => {});
    // A malformed frame is the peer's fault: ws closes that socket, and it must not reach the process.
    socket.on("error", () => socket.terminate());
  });
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    send(event) {
      if (wss.clients.size === 0) return;
      const data = JSON.stringify(event);
      for (const socket of wss.clients) {
        if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES) continue;
        socket.send(data);
        sent += 1;
      }
    },
    get sent() {
      return sent;
    },
    close() {
      clearInterval(heartbeat);
      for (const socket of wss.clients) socket.terminate();
    },
  };
}
