import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { CloudError } from "../errors.ts";
import {
  answerJson,
  startScriptedServer,
  type ScriptedServer,
} from "../../../../testing/cloud/scripted-server.ts";
import { fetchBytes, isNetworkFailure, sendStreaming, type StreamingRequest } from "./transport.ts";

let server: ScriptedServer | undefined;
const rawServers: http.Server[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const s of rawServers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A server that sees requests before their bodies arrive. */
async function rawServer(handler: http.RequestListener): Promise<URL> {
  const s = http.createServer(handler);
  rawServers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}/upload`);
}

async function* chunks(count: number, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield Buffer.alloc(size, i);
}

function streaming(url: URL, over: Partial<StreamingRequest> = {}): StreamingRequest {
  return {
    url,
    method: "POST",
    headers: { "Content-Type": "application/octet-stream" },
    contentLength: 4 * 65536,
    body: chunks(4, 65536),
    idleTimeoutMs: 2_000,
    ...over,
  };
}

describe("sendStreaming", () => {
  test("streams the body with its Content-Length and counts what was sent", async () => {
    server = await startScriptedServer((req, res) => answerJson(res, 200, { got: req.body.length }));
    const sent: number[] = [];
    const response = await sendStreaming(streaming(new URL(server.url), { onSent: (n) => sent.push(n) }));
    expect(JSON.parse(response.body.toString())).toEqual({ got: 4 * 65536 });
    expect(server.requests[0]!.headers["content-length"]).toBe(String(4 * 65536));
    expect(sent.at(-1)).toBe(4 * 65536);
    expect(response.headers.get("content-type")).toBe("application/json");
  });

  test("an early answer (a refused signature) is returned, not mistaken for a network fault", async () => {
    const url = await rawServer((_req, res) => {
      res.writeHead(401, { "Content-Type": "application/json", Connection: "close" });
      res.end('{"code":30003}');
    });
    const size = 16 * 1024 * 1024;
    const response = await sendStreaming(
      streaming(url, { contentLength: size, body: chunks(16, 1024 * 1024) }),
    );
    expect(response.status).toBe(401);
  });

  test("an answer cut off halfway is a transient fault", async () => {
    const url = await rawServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "Content-Length": "100" });
        res.write("partial");
        setTimeout(() => res.socket?.destroy(), 20);
      });
    });
    const error = await sendStreaming(streaming(url)).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "transient" });
    expect(isNetworkFailure(error)).toBe(true);
  });

  test("a server that goes quiet times out as transient", async () => {
    const url = await rawServer((req) => req.resume());
    await expect(sendStreaming(streaming(url, { idleTimeoutMs: 100 }))).rejects.toMatchObject({
      kind: "transient",
    });
  });

  test("the caller's abort ends the request as cancelled", async () => {
    const url = await rawServer((req) => req.resume());
    const controller = new AbortController();
    const running = sendStreaming(streaming(url, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 30);
    await expect(running).rejects.toMatchObject({ kind: "cancelled" });
  });

  test("a body that fails (the file changed) fails the request with that error", async () => {
    const url = await rawServer((req) => req.resume());
    async function* torn(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(1000);
      throw new CloudError("changed", "the file changed");
    }
    await expect(sendStreaming(streaming(url, { body: torn() }))).rejects.toMatchObject({ kind: "changed" });
  });
});

describe("fetchBytes", () => {
  test("a refused connection is a transient network failure", async () => {
    const url = await rawServer(() => {});
    const port = url.port;
    await new Promise((r) => rawServers.pop()!.close(r));
    const error = await fetchBytes(
      fetch,
      new URL(`http://127.0.0.1:${port}/x`),
      { method: "GET", headers: {} },
      {
        timeoutMs: 2_000,
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "transient" });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(isNetworkFailure(error)).toBe(true);
  });

  test("no answer within the deadline is transient; the caller's abort is cancelled", async () => {
    const url = await rawServer(() => {});
    await expect(
      fetchBytes(fetch, url, { method: "GET", headers: {} }, { timeoutMs: 100 }),
    ).rejects.toMatchObject({
      kind: "transient",
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(
      fetchBytes(fetch, url, { method: "GET", headers: {} }, { timeoutMs: 5_000, signal: controller.signal }),
    ).rejects.toMatchObject({ kind: "cancelled" });
  });
});
