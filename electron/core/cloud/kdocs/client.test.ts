/** The client against scripted servers: signing, error kinds, retries, timeouts, uploads that must land once. */
import { createHash } from "node:crypto";
import { mkdtemp, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  answerJson,
  startScriptedServer,
  type Handler,
  type ScriptedServer,
} from "../../../../testing/cloud/scripted-server.ts";
import type { NoticeSink, ServiceNotice } from "../notices.ts";
import { KdocsClient } from "./client.ts";
import { EMPTY_MD5 } from "./signer.ts";

const APP_ID = "AK_test";
const APP_KEY = "secret-key";
const md5 = (data: string | Buffer) => createHash("md5").update(data).digest("hex");
const sha1 = (data: string) => createHash("sha1").update(data).digest("hex");

function fileObject(over: Record<string, unknown> = {}) {
  return {
    file_token: "f1",
    name: "a.txt",
    type: "file",
    parent_token: "0",
    size: 5,
    md5: md5("hello"),
    version: 1,
    ctime: 1_700_000_000,
    mtime: 1_700_000_000,
    ...over,
  };
}

const ok = (data: unknown) => ({ code: 0, data });

let server: ScriptedServer | undefined;
let dir: string;
const clients: KdocsClient[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdocs-client-"));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function setup(
  handler: Handler,
  options: { attempts?: number; timeoutMs?: number; now?: () => number; onNotice?: NoticeSink } = {},
) {
  server = await startScriptedServer(handler);
  const waits: number[] = [];
  const client = new KdocsClient({
    baseUrl: server.url,
    appId: APP_ID,
    appKey: APP_KEY,
    ...(options.now ? { now: options.now } : {}),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: {
      attempts: options.attempts ?? 3,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
  });
  clients.push(client);
  return { client, server, waits };
}

const uploads = (s: ScriptedServer) => s.requests.filter((r) => r.url.endsWith("/appspace/files/upload"));

describe("signing", () => {
  test("a GET signs its URI, a POST its exact body bytes", async () => {
    const { client, server } = await setup((req, res) => {
      const date = String(req.headers["date"]);
      const type = String(req.headers["content-type"]);
      const expectedMd5 = req.method === "GET" ? md5(req.url) : md5(req.body);
      const valid =
        req.headers["content-md5"] === expectedMd5 &&
        req.headers["authorization"] === `WPS-2:${APP_ID}:${sha1(APP_KEY + expectedMd5 + type + date)}`;
      if (!valid) return answerJson(res, 401, { code: 30003, msg: "InvalidSignature" });
      if (req.method === "GET") return answerJson(res, 200, ok({ files: [fileObject()], next_offset: -1 }));
      return answerJson(res, 200, ok(fileObject({ type: "folder", name: "新建 folder", md5: "" })));
    });
    const page = await client.list("0", { count: 10 });
    expect(page).toEqual({
      entries: [
        {
          id: "f1",
          name: "a.txt",
          kind: "file",
          parentId: "0",
          size: 5,
          md5: md5("hello"),
          version: 1,
          mtime: 1_700_000_000_000,
        },
      ],
      nextOffset: null,
    });
    const folder = await client.createFolder("0", "新建 folder");
    expect(folder).toMatchObject({ kind: "folder", name: "新建 folder" });
    expect(folder.md5).toBeUndefined();
    expect(server.requests[0]!.url).toBe("/api/v1/openapi/appspace/files?parent_token=0&count=10");
    expect(JSON.parse(server.requests[1]!.body.toString())).toEqual({
      name: "新建 folder",
      parent_token: "0",
    });
    expect(server.requests[1]!.headers["content-type"]).toBe("application/json");
  });

  test("a bodiless DELETE signs its request URI, as the outside clients do", async () => {
    const { client, server } = await setup((_req, res) => answerJson(res, 200, ok({})));
    await client.destroy("f1");
    expect(server.requests[0]).toMatchObject({
      method: "DELETE",
      url: "/api/v1/openapi/appspace/files/f1/destroy",
    });
    expect(server.requests[0]!.headers["content-md5"]).toBe(md5("/api/v1/openapi/appspace/files/f1/destroy"));
    expect(server.requests[0]!.body.length).toBe(0);
  });

  test("a service that refuses that signs the empty body's MD5 from then on, and says so once", async () => {
    const notices: ServiceNotice[] = [];
    const { client, server } = await setup(
      (req, res) =>
        req.headers["content-md5"] === EMPTY_MD5
          ? answerJson(res, 200, ok({}))
          : answerJson(res, 401, { code: 30003, msg: "InvalidSignature" }),
      { onNotice: (notice) => notices.push(notice) },
    );
    await client.destroy("f1");
    await client.destroy("f2");
    expect(server.requests.map((r) => r.headers["content-md5"])).toEqual([
      md5("/api/v1/openapi/appspace/files/f1/destroy"),
      EMPTY_MD5,
      EMPTY_MD5,
    ]);
    expect(notices).toEqual([
      expect.objectContaining({
        kind: "signature-variant",
        call: "DELETE /appspace/files/{file_token}/destroy",
        text: expect.stringMatching(/refused a bodiless DELETE signed over its request URI/),
      }),
    ]);
  });

  test("the request Date comes from the injected clock", async () => {
    const { client, server } = await setup((_req, res) => answerJson(res, 200, ok(fileObject())), {
      now: () => Date.UTC(2013, 0, 23, 6, 43, 8),
    });
    await client.stat("f1");
    expect(server.requests[0]!.headers["date"]).toBe("Wed, 23 Jan 2013 06:43:08 GMT");
  });
});

test("an address that is not http(s) is refused at once", () => {
  for (const baseUrl of ["ftp://example.com", "not a url"]) {
    expect(() => new KdocsClient({ baseUrl, appId: APP_ID, appKey: APP_KEY })).toThrow(
      expect.objectContaining({ kind: "invalid" }),
    );
  }
});

describe("errors", () => {
  const cases = [
    [30003, 401, "credentials"],
    [30005, 401, "credentials"],
    [30004, 401, "clock"],
    [40001, 400, "invalid"],
    [40004, 404, "not-found"],
    [40009, 409, "conflict"],
    [41300, 413, "too-large"],
  ] as const;
  test.each(cases)("code %i is a %s error, not retried", async (code, status, kind) => {
    const { client, server } = await setup((_req, res) =>
      answerJson(res, status, { code, msg: "name already taken", hint: "server clock is 2025-01-01" }),
    );
    const error = await client.stat("f1").catch((e: unknown) => e);
    expect(error).toMatchObject({ kind, code, hint: "server clock is 2025-01-01" });
    if (kind === "conflict") expect((error as Error).message).toBe("name already taken");
    expect(server.requests).toHaveLength(1);
  });

  test("a used-up quota says when to come back and is left to the caller", async () => {
    const now = 1_700_000_000_000;
    const { client, server } = await setup(
      (_req, res) => answerJson(res, 429, { code: 42900, msg: "quota" }, { "Retry-After": "3600" }),
      { now: () => now },
    );
    await expect(client.startMove(["a"], "b")).rejects.toMatchObject({
      kind: "quota",
      retryAt: now + 3_600_000,
    });
    expect(server.requests).toHaveLength(1);
  });

  test("a used-up quota without Retry-After resets at the next UTC midnight", async () => {
    const now = Date.UTC(2025, 0, 1, 13, 30);
    const { client } = await setup((_req, res) => answerJson(res, 429, { code: 42900, msg: "quota" }), {
      now: () => now,
    });
    await expect(client.stat("f1")).rejects.toMatchObject({ kind: "quota", retryAt: Date.UTC(2025, 0, 2) });
  });

  test("an answer of the wrong shape is a protocol error", async () => {
    const { client } = await setup((_req, res) => answerJson(res, 200, ok({ files: "nope" })));
    await expect(client.list("0")).rejects.toMatchObject({ kind: "protocol" });
  });

  test("a proxy's HTML error page is transient and retried", async () => {
    const { client, server, waits } = await setup((_req, res, i) => {
      if (i < 2) {
        res.writeHead(502, { "Content-Type": "text/html" });
        return void res.end("<h1>Bad gateway</h1>");
      }
      answerJson(res, 200, ok(fileObject()));
    });
    await expect(client.stat("f1")).resolves.toMatchObject({ id: "f1" });
    expect(server.requests).toHaveLength(3);
    expect(waits).toEqual([125, 250]);
  });
});

describe("transient faults", () => {
  test("50000 answers and reset connections are retried with backoff; Retry-After is honoured", async () => {
    const { client, server, waits } = await setup((_req, res, i) => {
      if (i === 0) return answerJson(res, 500, { code: 50000, msg: "fault" }, { "Retry-After": "2" });
      if (i === 1) return void res.socket?.destroy();
      answerJson(res, 200, ok(fileObject()));
    });
    await expect(client.stat("f1")).resolves.toMatchObject({ id: "f1" });
    expect(server.requests).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(1_900);
    expect(waits[1]).toBe(250);
  });

  test("attempts are bounded", async () => {
    const { client, server } = await setup((_req, res) =>
      answerJson(res, 500, { code: 50000, msg: "fault" }),
    );
    await expect(client.stat("f1")).rejects.toMatchObject({ kind: "transient", code: 50000 });
    expect(server.requests).toHaveLength(3);
  });

  test("a request with no answer times out as transient", async () => {
    const { client, server } = await setup(() => {}, { timeoutMs: 150, attempts: 2 });
    const started = Date.now();
    await expect(client.stat("f1")).rejects.toMatchObject({ kind: "transient" });
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test("an async upload whose answer was lost is not started a second time", async () => {
    const { client, server } = await setup((_req, res) => void res.socket?.destroy());
    await expect(
      client.startAsyncUpload({ url: "http://127.0.0.1:1/x", filename: "big.bin", parentId: "0" }),
    ).rejects.toMatchObject({ kind: "transient" });
    expect(server.requests).toHaveLength(1);
  });

  test("a create folder whose answer was lost finds the folder it made", async () => {
    const { client, server } = await setup((req, res, i) => {
      if (i === 0) return void res.socket?.destroy();
      if (req.method === "POST") return answerJson(res, 409, { code: 40009, msg: "name taken" });
      answerJson(
        res,
        200,
        ok({ files: [fileObject({ file_token: "d1", name: "docs", type: "folder" })], next_offset: -1 }),
      );
    });
    await expect(client.createFolder("0", "docs")).resolves.toMatchObject({ id: "d1", kind: "folder" });
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "POST", "GET"]);
  });
});

describe("direct upload", () => {
  const content = Buffer.from("hello world, ".repeat(1000));

  async function localFile(name = "notes.txt", data: Buffer = content) {
    const path = join(dir, name);
    await writeFile(path, data);
    return path;
  }

  /** A server holding at most one uploaded file, whose faults the test scripts. */
  function uploadServer(
    fault: (uploadIndex: number) => "drop-after-store" | "drop-before-store" | "conflict" | null,
  ) {
    let stored: ReturnType<typeof fileObject> | undefined;
    let uploadIndex = 0;
    const handler: Handler = (req, res) => {
      if (req.url.startsWith("/api/v1/openapi/appspace/files?")) {
        return answerJson(res, 200, ok({ files: stored ? [stored] : [], next_offset: -1 }));
      }
      if (req.url.endsWith("/appspace/files/upload")) {
        const start = req.body.indexOf("\r\n\r\n", req.body.indexOf('name="file"')) + 4;
        const end = req.body.lastIndexOf("\r\n--");
        const bytes = req.body.subarray(start, end);
        const entry = fileObject({
          file_token: "up1",
          name: "notes.txt",
          size: bytes.length,
          md5: md5(bytes),
        });
        const what = fault(uploadIndex++);
        if (what === "drop-before-store") return void res.socket?.destroy();
        if (what === "conflict") {
          stored = entry;
          return answerJson(res, 409, { code: 40009, msg: "name taken" });
        }
        stored = entry;
        if (what === "drop-after-store") return void res.socket?.destroy();
        return answerJson(res, 200, ok(entry));
      }
      answerJson(res, 404, { code: 40004, msg: "no route" });
    };
    return handler;
  }

  test("streams a signed multipart body with its length, and reports progress", async () => {
    const path = await localFile();
    const { client, server } = await setup(uploadServer(() => null));
    const progress: number[] = [];
    const entry = await client.uploadFile({
      localPath: path,
      parentId: "0",
      onProgress: (sent) => progress.push(sent),
    });
    expect(entry).toMatchObject({ id: "up1", size: content.length, md5: md5(content) });
    const req = uploads(server)[0]!;
    expect(Number(req.headers["content-length"])).toBe(req.body.length);
    expect(req.headers["content-md5"]).toBe(md5(req.body));
    expect(String(req.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
    expect(req.body.toString()).toContain('name="parent_token"\r\n\r\n0\r\n');
    expect(req.body.toString()).toContain('name="file"; filename="notes.txt"');
    expect(progress.at(-1)).toBe(content.length);
  });

  test("an upload that landed before its answer was lost is not sent again", async () => {
    const path = await localFile();
    const { client, server } = await setup(uploadServer((i) => (i === 0 ? "drop-after-store" : null)));
    await expect(client.uploadFile({ localPath: path, parentId: "0" })).resolves.toMatchObject({ id: "up1" });
    expect(uploads(server)).toHaveLength(1);
  });

  test("an upload lost before it landed is sent again", async () => {
    const path = await localFile();
    const { client, server } = await setup(uploadServer((i) => (i === 0 ? "drop-before-store" : null)));
    await expect(client.uploadFile({ localPath: path, parentId: "0" })).resolves.toMatchObject({ id: "up1" });
    expect(uploads(server)).toHaveLength(2);
  });

  test("a retry that meets its own earlier copy takes that copy as the result", async () => {
    const path = await localFile();
    const { client, server } = await setup(
      uploadServer((i) => (i === 0 ? "drop-before-store" : i === 1 ? "conflict" : null)),
    );
    await expect(client.uploadFile({ localPath: path, parentId: "0" })).resolves.toMatchObject({
      id: "up1",
      md5: md5(content),
    });
    expect(uploads(server)).toHaveLength(2);
  });

  test("a conflict on the first try is the caller's: the name is taken by another file", async () => {
    const path = await localFile();
    const { client } = await setup(uploadServer(() => "conflict"));
    await expect(client.uploadFile({ localPath: path, parentId: "0" })).rejects.toMatchObject({
      kind: "conflict",
    });
  });

  test("a file that no longer matches the planned stat is refused as changed", async () => {
    const path = await localFile();
    const { client, server } = await setup(uploadServer(() => null));
    await expect(
      client.uploadFile({
        localPath: path,
        parentId: "0",
        expected: { size: content.length + 1, mtimeMs: 0 },
      }),
    ).rejects.toMatchObject({ kind: "changed" });
    expect(server.requests).toHaveLength(0);
  });

  test("bytes the service received that are not the planned content are refused as changed", async () => {
    const path = await localFile();
    const { client, server } = await setup(uploadServer(() => null));
    const { mtimeMs } = await stat(path);
    const planned = { size: content.length, mtimeMs };
    await expect(
      client.uploadFile({ localPath: path, parentId: "0", expected: { ...planned, md5: md5("other") } }),
    ).rejects.toMatchObject({ kind: "changed" });
    await expect(
      client.uploadFile({ localPath: path, parentId: "0", expected: { ...planned, md5: md5(content) } }),
    ).resolves.toMatchObject({ md5: md5(content) });
    expect(uploads(server)).toHaveLength(2);
  });

  test("a file modified between attempts is refused as changed, not sent torn", async () => {
    const path = await localFile();
    const { client, server } = await setup(async (req, res) => {
      if (req.method === "GET") return answerJson(res, 200, ok({ files: [], next_offset: -1 }));
      await utimes(path, new Date(), new Date(Date.now() + 10_000));
      answerJson(res, 500, { code: 50000, msg: "fault" });
    });
    await expect(client.uploadFile({ localPath: path, parentId: "0" })).rejects.toMatchObject({
      kind: "changed",
    });
    expect(uploads(server)).toHaveLength(1);
  });

  test("a vanished file is reported as changed", async () => {
    const { client } = await setup(uploadServer(() => null));
    await expect(
      client.uploadFile({ localPath: join(dir, "gone.txt"), parentId: "0" }),
    ).rejects.toMatchObject({
      kind: "changed",
    });
  });

  test("a server that stores different bytes is caught", async () => {
    const path = await localFile();
    const { client } = await setup((_req, res) =>
      answerJson(res, 200, ok(fileObject({ md5: md5("other") }))),
    );
    await expect(client.uploadFile({ localPath: path, parentId: "0" })).rejects.toMatchObject({
      kind: "protocol",
    });
  });

  test("cancelling an upload mid-way ends it as cancelled", async () => {
    const path = await localFile("big.bin", Buffer.alloc(9 * 1024 * 1024, 7));
    const { client } = await setup(() => {});
    const controller = new AbortController();
    const running = client.uploadFile({
      localPath: path,
      parentId: "0",
      signal: controller.signal,
      onProgress: (sent) => {
        if (sent > 0) controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({ kind: "cancelled" });
  });

  test("an empty file uploads", async () => {
    const path = await localFile("empty.txt", Buffer.alloc(0));
    const { client, server } = await setup(uploadServer(() => null));
    await expect(client.uploadFile({ localPath: path, parentId: "0" })).resolves.toMatchObject({ size: 0 });
    expect(uploads(server)[0]!.headers["content-md5"]).toBe(md5(uploads(server)[0]!.body));
  });
});
