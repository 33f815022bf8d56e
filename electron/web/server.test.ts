import { mkdtemp, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { WebSocket } from "ws";
import { createFakeCore, type FakeCore } from "../../e2e/support/fake-core.ts";
import { EVENTS_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from "../../shared/web-access.ts";
import { startWebShell, type WebShell } from "./server.ts";

let home: string;
let rendererDir: string;
let core: FakeCore;
let shell: WebShell;
let origin: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "docsync-web-"));
  rendererDir = join(home, "renderer");
  await mkdir(join(rendererDir, "assets"), { recursive: true });
  await writeFile(
    join(rendererDir, "index.html"),
    '<!doctype html><title>docsync</title><script type="module" src="./assets/app.js"></script>',
  );
  await writeFile(join(rendererDir, "assets", "app.js"), "console.log('app')");
  core = createFakeCore({ folders: { "0": [] } });
  shell = await startWebShell({ home, port: 0, core, rendererDir, log: () => {} });
  origin = `http://127.0.0.1:${shell.port}`;
});

afterEach(async () => {
  await shell.close();
  await rm(home, { recursive: true, force: true });
});

const withToken = (extra: Record<string, string> = {}) => ({ "x-docsync-token": shell.token, ...extra });
const postJson = (path: string, body: unknown, headers: Record<string, string> = withToken()) =>
  fetch(`${origin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("access", () => {
  test("the printed address opens the page, whose own files load under its key; no cookie is set", async () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    const page = await fetch(shell.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.headers.get("set-cookie")).toBeNull();
    const html = await page.text();
    const asset = /src="(\/p\/[\w-]{22}\/)assets\/app\.js"/.exec(html);
    expect(asset, html).not.toBeNull();
    const pagePath = asset![1]!;
    // The token is in the printed address and nowhere else.
    expect(html).not.toContain(shell.token);
    expect(JSON.stringify([...page.headers])).not.toContain(shell.token);

    expect((await fetch(`${origin}${pagePath}assets/app.js`)).status).toBe(200);
    // A reload of the page's own address needs no token.
    const reload = await fetch(`${origin}${pagePath}`);
    expect(reload.status).toBe(200);
    expect(await reload.text()).toContain("docsync</title>");
    // The key opens the interface's files, nothing else.
    expect((await fetch(`${origin}/assets/app.js`)).status).toBe(403);
    expect((await postJson("/api/accounts.list", {}, {})).status).toBe(403);
    expect((await fetch(`${origin}/p/${"A".repeat(22)}/assets/app.js`)).status).toBe(403);
    expect(core.calls).toEqual([]);
  });

  test("a cookie carrying the token opens nothing", async () => {
    const cookie = `docsync-${shell.port}=${shell.token}`;
    expect((await fetch(`${origin}/assets/app.js`, { headers: { cookie } })).status).toBe(403);
    expect((await postJson("/api/accounts.list", {}, { cookie })).status).toBe(403);
  });

  test.each([
    ["no token", `/`, {}],
    ["a wrong token", `/?token=nope`, {}],
  ])("a request with %s is refused", async (_what, path, headers) => {
    const answer = await fetch(`${origin}${path}`, { headers });
    expect(answer.status).toBe(403);
    expect(await answer.text()).not.toContain("docsync</title>");
  });

  test("an API call without the token is refused and reaches no handler", async () => {
    const answer = await postJson("/api/accounts.list", {}, {});
    expect(answer.status).toBe(403);
    expect(core.calls).toEqual([]);
  });

  test("an API call from a foreign Origin is refused even with the token", async () => {
    const answer = await postJson("/api/accounts.list", {}, withToken({ origin: "http://evil.example" }));
    expect(answer.status).toBe(403);
    expect(core.calls).toEqual([]);
    const own = await postJson("/api/accounts.list", {}, withToken({ origin }));
    expect(own.status).toBe(200);
  });

  test("a request for another host name (DNS rebinding) is refused", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: shell.port,
          path: `/?token=${shell.token}`,
          headers: { host: `evil.example:${shell.port}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  test("the event socket needs the token, offered as a protocol or a header, and an own Origin", async () => {
    const attempt = (url: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}) =>
      new Promise<number | string>((resolve) => {
        const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
        socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        socket.on("open", () => {
          socket.close();
          resolve(socket.protocol || 101);
        });
        socket.on("error", () => {});
      });
    const ws = `ws://127.0.0.1:${shell.port}/events`;
    const offered = [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${shell.token}`];
    expect(await attempt(ws)).toBe(403);
    expect(await attempt(ws, { protocols: offered, headers: { origin: "http://evil.example" } })).toBe(403);
    expect(await attempt(`${ws}?token=${shell.token}`, { headers: { origin } })).toBe(403);
    expect(await attempt(ws, { headers: { origin, cookie: `docsync-${shell.port}=${shell.token}` } })).toBe(
      403,
    );
    expect(await attempt(ws, { protocols: [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}nope`] })).toBe(403);
    // The server answers with the events protocol, never the one that carries the token.
    expect(await attempt(ws, { protocols: offered, headers: { origin } })).toBe(EVENTS_PROTOCOL);
    expect(await attempt(ws, { headers: { origin, "x-docsync-token": shell.token } })).toBe(101);
  });
});

describe("channels and events", () => {
  test("calls are dispatched with validation; malformed input gets invalid-input, never a crash", async () => {
    const good = await postJson("/api/tree.list", { accountId: "acc-1", folderId: "0" });
    expect(await good.json()).toEqual({ ok: true, result: { entries: [], next: null } });

    const missing = await postJson("/api/tree.list", { accountId: "acc-1" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      ok: false,
      error: { code: "invalid-input", message: /folderId/ },
    });

    const notJson = await postJson("/api/tree.list", "{not json");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ ok: false, error: { code: "invalid-input" } });

    const unknown = await postJson("/api/files.wipe", {});
    expect(await unknown.json()).toMatchObject({
      ok: false,
      error: { code: "invalid-input", message: /Unknown channel/ },
    });

    const wrongType = await fetch(`${origin}/api/tree.list`, {
      method: "POST",
      headers: withToken({ "content-type": "text/plain" }),
      body: "x",
    });
    expect(wrongType.status).toBe(415);

    expect((await postJson("/api/accounts.list", {})).status).toBe(200);
  });

  test("events reach the page numbered, in order", async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${shell.port}/events`, {
      headers: { origin, "x-docsync-token": shell.token },
    });
    await new Promise((resolve) => socket.once("open", resolve));
    const received: { name: string; payload: { seq: number } }[] = [];
    socket.on("message", (data) => received.push(JSON.parse(String(data))));
    core.emit("tree.changed", { accountId: "acc-1", folderIds: ["0"] });
    core.emit("activity.appended", { entries: [] });
    const deadline = Date.now() + 5000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    socket.close();
    expect(received.map((e) => [e.name, e.payload.seq])).toEqual([
      ["tree.changed", 1],
      ["activity.appended", 2],
    ]);
  });
});

describe("dropped files", () => {
  const put = (dropId: string, path: string, body: string) =>
    fetch(`${origin}/drops/${dropId}?path=${encodeURIComponent(path)}`, {
      method: "PUT",
      headers: withToken({ "content-type": "application/octet-stream" }),
      body,
    });

  test("are staged with their folders, uploaded by path, and removed when their tasks end", async () => {
    const dropId = "drop0000000000001";
    expect((await put(dropId, "photos/2024/a.jpg", "aaaa")).status).toBe(200);
    expect((await put(dropId, "photos/b.jpg", "bb")).status).toBe(200);
    expect((await put(dropId, "notes.txt", "n")).status).toBe(200);
    const commit = await postJson(`/drops/${dropId}/commit`, {
      accountId: "acc-1",
      folderId: "0",
      names: ["photos", "notes.txt"],
    });
    const answer = (await commit.json()) as { ok: true; result: { taskIds: string[] } };
    expect(answer.ok).toBe(true);
    const call = core.calls.find((c) => c.channel === "uploads.fromPaths")!.input as { paths: string[] };
    expect(call.paths).toEqual([
      join(home, "staging", dropId, "photos"),
      join(home, "staging", dropId, "notes.txt"),
    ]);

    const [photos, notes] = answer.result.taskIds;
    core.putTasks([
      {
        id: photos!,
        kind: "upload",
        title: "Upload photos",
        state: "succeeded",
        cancellable: false,
        createdAt: 1,
        updatedAt: 2,
      },
    ]);
    core.putTasks([
      {
        id: notes!,
        kind: "upload",
        title: "Upload notes.txt",
        state: "failed",
        cancellable: false,
        createdAt: 1,
        updatedAt: 2,
      },
    ]);
    const deadline = Date.now() + 5000;
    let left = ["?"];
    while (left.length > 0 && Date.now() < deadline) {
      left = await readdir(join(home, "staging")).catch(() => []);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(left).toEqual([]);
  });

  test.each([
    ["a path that climbs out", "../escape.txt"],
    ["an absolute path", "/etc/passwd"],
    ["an empty segment", "a//b"],
    ["a backslash", "a\\..\\b"],
  ])("with %s are refused", async (_what, path) => {
    const answer = await put("drop0000000000002", path, "x");
    expect(answer.status).toBe(400);
    expect(await readdir(home)).not.toContain("escape.txt");
  });

  test("a file larger than a drop may stage is refused with 413 and its reason", async () => {
    await shell.close();
    shell = await startWebShell({
      home,
      port: 0,
      core,
      rendererDir,
      log: () => {},
      dropLimits: { maxDropBytes: 4 },
    });
    origin = `http://127.0.0.1:${shell.port}`;
    const answer = await put("drop0000000000004", "big.bin", "12345");
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({
      ok: false,
      error: { message: /larger than the .* a drop may stage/ },
    });
  });

  test("a commit for items never received is refused and uploads nothing", async () => {
    const answer = await postJson("/drops/drop0000000000003/commit", {
      accountId: "acc-1",
      folderId: "0",
      names: ["ghost.txt"],
    });
    expect(answer.status).toBe(400);
    expect(core.calls.some((c) => c.channel === "uploads.fromPaths")).toBe(false);
  });
});
