/**
 * The web shell: the core's channel table over HTTP (POST /api/:channel), its events over a WebSocket
 * (/events), dropped files streamed in (PUT /drops/:dropId?path=), and the built renderer, all on
 * 127.0.0.1 behind a random token and Host and Origin checks. Whatever a request looks like, it gets
 * an answer (a refusal without the token) and the server keeps running.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { IncomingMessage } from "node:http";
import { Readable, type Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { WebSocketServer } from "ws";
import { z } from "zod";
import type { Envelope } from "../../shared/contract.ts";
import type { Core, CoreEvent } from "../core/api.ts";
import { toIpcError } from "../core/ipc-error.ts";
import type { Sandbox } from "../../sandbox/server.ts";
import { bootCore } from "../shell/boot.ts";
import { createDispatcher } from "../shell/dispatch.ts";
import { EVENTS_PROTOCOL } from "../../shared/web-access.ts";
import { checkAccess, createPageKeys, newAccessToken, requestFacts } from "./access.ts";
import { createDropStaging, DropRefused, type DropLimits } from "./drop-staging.ts";
import { createEventFanout } from "./event-fanout.ts";
import { findStaticFile } from "./static-files.ts";

export const defaultRendererDir = fileURLToPath(new URL("../../dist/renderer/", import.meta.url));

export interface WebShellOptions {
  /** The home folder: settings, journal, staging of dropped files, the local cloud's data. */
  home: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A core to serve instead of booting the real one for `home` (it is not closed by `close`). */
  core?: Core;
  rendererDir?: string;
  token?: string;
  log?: (line: string) => void;
  /** How much a drop may stage (tests make it small). */
  dropLimits?: Partial<DropLimits>;
}

export interface WebShell {
  /** The address to open, with the access token. */
  url: string;
  port: number;
  token: string;
  /** Messages sent to pages so far (for the benchmarks). */
  readonly eventsSent: number;
  /** The local cloud, when this shell booted the core and the core asked for it. */
  localCloud(): Sandbox | undefined;
  close(): Promise<void>;
}

const CommitBody = z.object({
  accountId: z.string().min(1),
  folderId: z.string().min(1),
  names: z.array(z.string().min(1)).min(1).max(10_000),
});

function securityHeaders(port: number): Record<string, string> {
  return {
    "content-security-policy": [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
  };
}

/** Answers a raw socket (an upgrade or a CONNECT) with a refusal and closes it. */
function refuse(
  socket: Duplex,
  status: "400 Bad Request" | "403 Forbidden" | "404 Not Found",
  reason: string,
): void {
  socket.on("error", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${status.slice(4)}: ${reason}\n`,
  );
}

/** The page served at the printed address: its own files are addressed under its key (/p/KEY/…). */
function pageUnder(html: string, key: string): string {
  return html.replace(/(\s(?:src|href)=")\.\//g, `$1/p/${key}/`);
}

export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const log = options.log ?? ((line: string) => console.error(line));
  const token = options.token ?? newAccessToken();
  const rendererDir = options.rendererDir ?? defaultRendererDir;
  const booted = options.core ? undefined : await bootCore({ home: options.home, shell: "web", log });
  const core = options.core ?? booted!.core;
  const dispatch = createDispatcher(core.handlers, {
    onInternalError: (channel, error) => log(`docsync: ${channel} failed: ${String(error)}`),
  });
  const staging = createDropStaging(join(options.home, "staging"), options.dropLimits);
  await staging.sweepStale().catch(() => {});

  let port = 0;
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024, forceCloseConnections: true });
  const pages = createPageKeys();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // The page offers the token as a second protocol; only the events protocol is ever answered.
    handleProtocols: (offered) => (offered.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false),
  });
  const fanout = createEventFanout(wss);

  const unsubscribe = core.subscribe((event: CoreEvent) => fanout.send(event));

  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const verdict = checkAccess(
      requestFacts(request.url, request.headers),
      request.method,
      token,
      pages,
      port,
    );
    if (!verdict.ok) {
      await reply.code(403).type("text/plain; charset=utf-8").send(`Forbidden: ${verdict.reason}\n`);
    }
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.headers(securityHeaders(port));
    return payload;
  });
  app.setErrorHandler(async (error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = typeof error.statusCode === "number" && error.statusCode < 500 ? error.statusCode : 500;
    const envelope: Envelope = {
      ok: false,
      error: status < 500 ? { code: "invalid-input", message: String(error.message) } : toIpcError(error),
    };
    await reply.code(status).send(envelope);
  });
  // JSON for calls, raw bytes for drops, nothing else (a text/plain POST is what a foreign form can send).
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("application/octet-stream", (_request, payload, done) => done(null, payload));

  app.post<{ Params: { channel: string } }>("/api/:channel", async (request, reply) => {
    const answer = await dispatch(request.params.channel, request.body);
    const status = answer.ok ? 200 : answer.error.code === "invalid-input" ? 400 : 200;
    return reply.code(status).send(answer);
  });

  app.put<{ Params: { dropId: string }; Querystring: { path?: string } }>(
    "/drops/:dropId",
    async (request, reply) => {
      if (!(request.body instanceof Readable)) {
        return reply.code(415).send({
          ok: false,
          error: { code: "invalid-input", message: "A dropped file is sent as application/octet-stream." },
        });
      }
      try {
        const declared = Number(request.headers["content-length"]);
        const size = await staging.receive(
          request.params.dropId,
          request.query.path ?? "",
          request.body,
          Number.isSafeInteger(declared) ? declared : undefined,
        );
        return reply.send({ ok: true, result: { size } });
      } catch (error) {
        if (error instanceof DropRefused) {
          return reply
            .code(error.status)
            .send({ ok: false, error: { code: "invalid-input", message: error.message } });
        }
        throw error;
      }
    },
  );

  app.post<{ Params: { dropId: string } }>("/drops/:dropId/commit", async (request, reply) => {
    const body = CommitBody.safeParse(request.body);
    if (!body.success) {
      return reply.code(400).send({ ok: false, error: toIpcError(body.error) });
    }
    let paths: string[];
    try {
      paths = await staging.stagedPaths(request.params.dropId, body.data.names);
    } catch (error) {
      if (!(error instanceof DropRefused)) throw error;
      return reply.code(400).send({ ok: false, error: { code: "invalid-input", message: error.message } });
    }
    const answer = await dispatch("uploads.fromPaths", {
      accountId: body.data.accountId,
      folderId: body.data.folderId,
      paths,
    });
    if (!answer.ok) {
      await staging.release(paths);
      return reply.code(answer.error.code === "invalid-input" ? 400 : 200).send(answer);
    }
    const { taskIds } = answer.result as { taskIds: string[] };
    // Staged drops are removed once every upload task that reads them is over.
    void core
      .whenFinal(taskIds)
      .then(() => staging.release(paths))
      .catch(() => {});
    return reply.send(answer);
  });

  const sendStatic = async (reply: FastifyReply, path: string) => {
    const file = await findStaticFile(rendererDir, path);
    if (!file) {
      if (path === "/" || path === "/index.html") {
        return reply
          .code(503)
          .type("text/plain; charset=utf-8")
          .send(`The interface is not built (${rendererDir} is missing). Run: npm run build\n`);
      }
      return reply.code(404).type("text/plain; charset=utf-8").send("Not found\n");
    }
    if (file.contentType.startsWith("text/html")) reply.header("cache-control", "no-store");
    else if (file.immutable) reply.header("cache-control", "public, max-age=31536000, immutable");
    return reply.type(file.contentType).header("content-length", file.size).send(file.stream);
  };

  // The printed address: the page, with its files under a key of its own (no cookie, no token in them).
  const servePage = async (_request: FastifyRequest, reply: FastifyReply) => {
    const html = await readFile(join(rendererDir, "index.html"), "utf8").catch(() => undefined);
    if (html === undefined) return sendStatic(reply, "/");
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(pageUnder(html, pages.issue()));
  };
  app.get("/", servePage);
  app.get("/index.html", servePage);
  app.get<{ Params: { key: string; "*": string } }>("/p/:key/*", async (request, reply) =>
    sendStatic(reply, `/${request.params["*"]}`),
  );
  app.get("/*", async (request, reply) => sendStatic(reply, request.url.split("?")[0] ?? "/"));

  app.server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      const facts = requestFacts(request.url, request.headers);
      const verdict = checkAccess(facts, request.method, token, pages, port);
      if (!verdict.ok) return refuse(socket, "403 Forbidden", verdict.reason);
      if (verdict.via !== "token") return refuse(socket, "403 Forbidden", "missing or wrong token");
      if (facts.path !== "/events") return refuse(socket, "404 Not Found", "no such endpoint");
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
    } catch {
      refuse(socket, "400 Bad Request", "malformed upgrade");
    }
  });
  // Node closes a CONNECT without a word when nobody listens; refuse it like anything else.
  app.server.on("connect", (_request: IncomingMessage, socket: Duplex) =>
    refuse(socket, "403 Forbidden", "not a proxy"),
  );

  try {
    await app.listen({ host: "127.0.0.1", port: options.port ?? 0 });
  } catch (error) {
    unsubscribe();
    await booted?.close();
    throw error;
  }
  const address = app.server.address();
  port = typeof address === "object" && address ? address.port : 0;
  if (!existsSync(join(rendererDir, "index.html"))) {
    log(`docsync: the interface is not built yet (${rendererDir}); the API works, the page does not.`);
  }

  let closed = false;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    get eventsSent() {
      return fanout.sent;
    },
    localCloud: () => booted?.localCloud(),
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      fanout.close();
      wss.close();
      await app.close();
      await booted?.close();
    },
  };
}
