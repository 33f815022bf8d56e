/**
 * A server with only the KooDrive endpoints, for tests of the client: a moveable clock, a settable
 * pace, sign-in, and a fault hook (answer 500 or drop the connection) decided per request.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyRequest } from "fastify";
import { LOGIN_PATH, PACE_PATH, koodrivePlugin } from "./plugin.ts";

export type KooFault = "none" | "500" | "drop";

export interface KooDriveTestServer {
  baseUrl: string;
  dataDir: string;
  /** Signs in as the demo user (or another) and answers the token. */
  login(name?: string, password?: string): Promise<{ token: string; containerId: string; userId: string }>;
  advanceClock(ms: number): void;
  setPace(itemsPerSecond: number): Promise<void>;
  setFault(decide: (request: FastifyRequest) => KooFault): void;
  close(): Promise<void>;
}

export async function startKooDriveTestServer(
  options: { itemsPerSecond?: number; users?: { name: string; password: string }[] } = {},
): Promise<KooDriveTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "docsync-koodrive-"));
  let offset = 0;
  let decide: (request: FastifyRequest) => KooFault = () => "none";
  let baseUrl = "";
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.addHook("onRequest", async (request, reply) => {
    if (request.url.startsWith("/__sandbox/")) return;
    const fault = decide(request);
    if (fault === "500") return reply.code(500).send({ code: 50000, msg: "injected server fault" });
    if (fault === "drop") {
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
  });
  await app.register(
    koodrivePlugin({
      dataDir,
      now: () => Date.now() + offset,
      baseUrl: () => baseUrl,
      ...(options.users ? { users: options.users } : {}),
      itemsPerSecond: options.itemsPerSecond ?? 200,
    }),
  );
  try {
    await app.listen({ host: "127.0.0.1", port: 0 });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (json.code !== 0) throw new Error(`${path} answered ${JSON.stringify(json)}`);
    return json;
  };
  return {
    baseUrl,
    dataDir,
    login: async (name = "demo", password = "demo") => {
      const json = await post(LOGIN_PATH, { name, password });
      return {
        token: String(json.token),
        containerId: String(json.containerId),
        userId: String(json.userId),
      };
    },
    advanceClock: (ms) => {
      offset += ms;
    },
    setPace: async (itemsPerSecond) => {
      await post(PACE_PATH, { itemsPerSecond });
    },
    setFault: (next) => {
      decide = next;
    },
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
