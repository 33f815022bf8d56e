import { afterEach, describe, expect, test } from "vitest";
import { openDatabase } from "./appspace/database.ts";
import { PLAN_LIMITS, QuotaBook } from "./appspace/quota.ts";
import { CONTROL_TOKEN_HEADER, startSandbox, type Sandbox } from "./server.ts";
import { API, call, upload } from "./testing/wps2-client.ts";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe("daily quotas", () => {
  test("past the quota an endpoint answers 429 / 42900 with Retry-After until 00:00 UTC", async () => {
    const clock = Date.parse("2030-05-01T23:00:00Z");
    sandbox = await startSandbox({ quota: { writes: 2, reads: 3 }, now: () => clock });
    const date = new Date(clock).toUTCString();
    const folder = (name: string) => call(sandbox!, "POST", `${API}/folders`, { json: { name }, date });
    expect((await folder("a")).json.code).toBe(0);
    // A refusal for the signature does not count.
    expect(
      (await call(sandbox, "POST", `${API}/folders`, { json: { name: "x" }, date, appKey: "bad" })).json.code,
    ).toBe(30003);
    expect((await folder("a")).json.code).toBe(40009); // counted whatever it answers
    const refused = await folder("b");
    expect(refused.status).toBe(429);
    expect(refused.json.code).toBe(42900);
    expect(refused.headers.get("retry-after")).toBe("3600");
    expect(refused.json.hint).toContain("00:00 UTC");
    // Each endpoint has its own count: uploads and reads still work.
    const uploaded = await upload({ ...sandbox }, [], { filename: "u.txt", content: Buffer.from("u") });
    expect(uploaded.status).not.toBe(429);
  });

  test("the count starts again on the next UTC day", async () => {
    let clock = Date.parse("2030-05-01T23:59:00Z");
    sandbox = await startSandbox({ quota: { reads: 1 }, now: () => clock });
    const list = () => call(sandbox!, "GET", `${API}/files`, { date: new Date(clock).toUTCString() });
    expect((await list()).json.code).toBe(0);
    expect((await list()).json.code).toBe(42900);
    clock += 2 * 60 * 1000;
    expect((await list()).json.code).toBe(0);
  });

  test("a test app gets 500 writes a day per endpoint", () => {
    const db = openDatabase(":memory:");
    const book = new QuotaBook(db, PLAN_LIMITS.test, Date.now);
    for (let i = 0; i < 500; i++) book.charge("app", "POST /upload", "write");
    expect(() => book.charge("app", "POST /upload", "write")).toThrow(/500 writes/);
    expect(() => book.charge("app", "POST /move", "write")).not.toThrow();
    expect(() => book.charge("other-app", "POST /upload", "write")).not.toThrow();
    db.close();
  });
});

describe("faults", () => {
  test("errorRate 1 limited to a path answers 500 / 50000 there only, and stats count it", async () => {
    sandbox = await startSandbox({ faults: { errorRate: 1, pathPrefix: `${API}/files/upload` } });
    const failed = await upload(sandbox, [], { filename: "f.txt", content: Buffer.from("f") });
    expect(failed.status).toBe(500);
    expect(failed.json.code).toBe(50000);
    expect((await call(sandbox, "GET", `${API}/files`)).json.code).toBe(0);
    expect(sandbox.stats()).toEqual({
      [`POST ${API}/files/upload`]: 1,
      [`GET ${API}/files`]: 1,
    });
    sandbox.setFaults(null);
    expect((await upload(sandbox, [], { filename: "f.txt", content: Buffer.from("f") })).json.code).toBe(0);
    sandbox.resetStats();
    expect(sandbox.stats()).toEqual({});
  });

  test("a share of requests fails: about half with errorRate 0.5", async () => {
    sandbox = await startSandbox({ faults: { errorRate: 0.5 } });
    const statuses = await Promise.all(
      Array.from({ length: 100 }, () => fetch(`${sandbox!.url}/no-such-endpoint`).then((r) => r.status)),
    );
    const faults = statuses.filter((status) => status === 500).length;
    expect(faults).toBeGreaterThan(20);
    expect(faults).toBeLessThan(80);
    expect(statuses.filter((status) => status === 404).length).toBe(100 - faults);
  });

  test("dropRate 1 cuts the connection; latency delays the answer", async () => {
    sandbox = await startSandbox();
    sandbox.setFaults({ dropRate: 1 });
    await expect(call(sandbox, "GET", `${API}/files`)).rejects.toThrow();
    sandbox.setFaults({ latencyMs: 150 });
    const started = performance.now();
    expect((await call(sandbox, "GET", `${API}/files`)).json.code).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(sandbox.stats()[`GET ${API}/files`]).toBe(2);
  });

  test("the /__sandbox/ routes set faults and read stats with the control token, no signature, and get no faults", async () => {
    const cloud = (sandbox = await startSandbox());
    const control = (path: string, init: RequestInit = {}) =>
      fetch(`${cloud.url}/__sandbox/${path}`, {
        ...init,
        headers: { "Content-Type": "application/json", [CONTROL_TOKEN_HEADER]: cloud.controlToken },
      });
    const set = await control("faults", { method: "POST", body: JSON.stringify({ errorRate: 1 }) });
    expect((await set.json()).data).toEqual({ errorRate: 1 });
    expect((await call(cloud, "GET", `${API}/files`)).status).toBe(500);
    const stats = await (await control("stats")).json();
    expect(stats.data).toEqual({ [`GET ${API}/files`]: 1 });
    const bad = await control("faults", { method: "POST", body: JSON.stringify({ errorRate: 2 }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).msg).toMatch(/^errorRate: /);
    await control("faults", { method: "POST", body: "null" });
    expect((await call(cloud, "GET", `${API}/files`)).status).toBe(200);
  });

  test("the control routes refuse a request without the control token, and the server a foreign Host", async () => {
    const cloud = (sandbox = await startSandbox());
    for (const headers of [{}, { [CONTROL_TOKEN_HEADER]: "nope" }] as Record<string, string>[]) {
      const refused = await fetch(`${sandbox.url}/__sandbox/faults`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ errorRate: 1 }),
      });
      expect(refused.status).toBe(401);
      expect((await refused.json()).msg).toBe(
        "/__sandbox/ routes need the x-sandbox-token header the local cloud printed at start-up",
      );
    }
    const login = await fetch(`${sandbox.url}/__sandbox/koodrive/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(sandbox.koodriveUser),
    });
    expect(login.status).toBe(401);
    expect((await call(sandbox, "GET", `${API}/files`)).status).toBe(200);

    const { request } = await import("node:http");
    const rebound = await new Promise<number>((resolve, reject) => {
      const port = new URL(cloud.url).port;
      const req = request({
        host: "127.0.0.1",
        port,
        path: `${API}/files`,
        headers: { host: `evil.example:${port}` },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(rebound).toBe(403);
  });
});

describe("faults reach every route", () => {
  test("a drop during an upload cuts it in the middle and stores nothing", async () => {
    sandbox = await startSandbox({ faults: { dropRate: 1, pathPrefix: `${API}/files/upload` } });
    await expect(
      upload(sandbox, [], { filename: "cut.bin", content: Buffer.alloc(4 * 1024 * 1024, 1) }),
    ).rejects.toThrow();
    sandbox.setFaults(null);
    const listing = await call(sandbox, "GET", `${API}/files`);
    expect(listing.json.data.files).toEqual([]);
  });

  test("the OST endpoints share the port and the fault hook", async () => {
    sandbox = await startSandbox();
    const init = () =>
      fetch(`${sandbox!.url}/file/mpupload/init`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      });
    expect((await init()).status).not.toBe(404);
    sandbox.setFaults({ errorRate: 1, pathPrefix: "/file/" });
    expect((await init()).status).toBe(500);
    expect(sandbox.stats()["POST /file/mpupload/init"]).toBe(2);
  });
});
