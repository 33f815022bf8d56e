/**
 * A server with only the OST endpoints, for tests and benchmarks of the staging path: a moveable
 * clock and a small fault hook (answer 500, answer an error code of the vendor's table, or drop the
 * connection, before or after the handler).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyRequest } from "fastify";
import { ostPlugin, type OstStats } from "./plugin.ts";

export type OstFault = "none" | "500" | "drop-request" | "drop-answer" | { code: number; status?: number };

export interface OstTestServer {
  baseUrl: string;
  appId: string;
  apiKey: string;
  apiSecret: string;
  dataDir: string;
  /** Moves the server's clock. */
  advanceClock(ms: number): void;
  /** Decides a fault per request (by path); reset with `() => "none"`. */
  setFault(decide: (request: FastifyRequest) => OstFault): void;
  stats(): Promise<OstStats>;
  close(): Promise<void>;
}

export async function startOstTestServer(): Promise<OstTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "docsync-ost-"));
  let offset = 0;
  let decide: (request: FastifyRequest) => OstFault = () => "none";
  const credentials = { appId: "ost-app", apiKey: "ost-key", apiSecret: "ost-secret" };
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  let baseUrl = "";
  app.addHook("onRequest", async (request, reply) => {
    const fault = decide(request);
    (request as { ostFault?: OstFault }).ostFault = fault;
    if (fault === "500")
      return reply.code(500).header("connection", "close").send({ message: "injected fault" });
    if (typeof fault === "object") {
      return reply
        .code(fault.status ?? 200)
        .send({ code: fault.code, sid: "ost0000injected@sandbox", message: "injected code" });
    }
    if (fault === "drop-request") {
      request.raw.socket.destroy();
      return reply.hijack();
    }
  });
  app.addHook("onSend", async (request, reply, payload) => {
    if ((request as { ostFault?: OstFault }).ostFault === "drop-answer") request.raw.socket.destroy();
    return payload;
  });
  await app.register(
    ostPlugin({ ...credentials, dataDir, now: () => Date.now() + offset, baseUrl: () => baseUrl }),
  );
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    ...credentials,
    baseUrl,
    dataDir,
    advanceClock: (ms) => {
      offset += ms;
    },
    setFault: (next) => {
      decide = next;
    },
    stats: async () => (await (await fetch(`${baseUrl}/__sandbox/ost/stats`)).json()) as OstStats,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
