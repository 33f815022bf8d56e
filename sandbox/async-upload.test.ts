import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "./server.ts";
import { API, call, upload, waitFor } from "./testing/wps2-client.ts";

const content = randomBytes(256 * 1024);
const half = content.length / 2;
let releaseSecondHalf: () => void = () => undefined;

/** A source that sends half of the bytes, then waits until the test lets it finish. */
function startSource(): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === "/missing") {
      response.writeHead(404).end();
      return;
    }
    const chunked = request.url === "/chunked";
    response.writeHead(200, chunked ? {} : { "Content-Length": String(content.length) });
    response.write(content.subarray(0, half));
    releaseSecondHalf = () => response.end(content.subarray(half));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let sandbox: Sandbox;
let source: Server;
let sourceUrl: string;
beforeAll(async () => {
  [sandbox, source] = await Promise.all([startSandbox(), startSource()]);
  sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;
});
afterAll(async () => {
  source.closeAllConnections();
  await Promise.all([sandbox.close(), new Promise((resolve) => source.close(resolve))]);
});

async function progressOf(taskId: string) {
  const result = await call(sandbox, "GET", `${API}/file/async/upload/${taskId}`);
  expect(result.json.code).toBe(0);
  return result.json.data;
}

async function startImport(body: Record<string, unknown>): Promise<string> {
  const result = await call(sandbox, "POST", `${API}/file/async/upload`, { json: body });
  expect(result.json.code).toBe(0);
  return result.json.data.task_id;
}

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

describe("async upload from a URL", () => {
  test("progress counts the bytes received against Content-Length, then the file appears", async () => {
    const taskId = await startImport({
      url: `${sourceUrl}/file`,
      filename: "imported.bin",
      parent_path: ["in"],
    });
    const midway = await waitFor(async () => {
      const p = await progressOf(taskId);
      return p.progress.current === half ? p : undefined;
    });
    expect(midway).toMatchObject({
      task_id: taskId,
      status: "processing",
      progress: { total: content.length },
    });
    releaseSecondHalf();
    const done = await waitFor(async () => {
      const p = await progressOf(taskId);
      return p.status !== "processing" ? p : undefined;
    });
    expect(done).toMatchObject({
      status: "success",
      progress: { current: content.length, total: content.length },
    });
    const file = await call(sandbox, "GET", `${API}/files/${done.file_token}`);
    expect(file.json.data).toMatchObject({ name: "imported.bin", size: content.length, md5: md5(content) });
  });

  test("without Content-Length the total is -1 until the end", async () => {
    const taskId = await startImport({ url: `${sourceUrl}/chunked`, filename: "chunked.bin" });
    const midway = await waitFor(async () => {
      const p = await progressOf(taskId);
      return p.progress.current === half ? p : undefined;
    });
    expect(midway.progress.total).toBe(-1);
    releaseSecondHalf();
    const done = await waitFor(async () => {
      const p = await progressOf(taskId);
      return p.status !== "processing" ? p : undefined;
    });
    expect(done.progress).toEqual({ current: content.length, total: content.length });
  });

  test("file_token imports a new version of an existing file", async () => {
    const first = await upload(sandbox, [], { filename: "to-replace.bin", content: Buffer.from("old") });
    const taskId = await startImport({
      url: `${sourceUrl}/file`,
      filename: "whatever",
      file_token: first.json.data.file_token,
    });
    await waitFor(async () => ((await progressOf(taskId)).progress.current === half ? true : undefined));
    releaseSecondHalf();
    const done = await waitFor(async () => {
      const p = await progressOf(taskId);
      return p.status !== "processing" ? p : undefined;
    });
    expect(done.file_token).toBe(first.json.data.file_token);
    const file = await call(sandbox, "GET", `${API}/files/${done.file_token}`);
    expect(file.json.data).toMatchObject({ name: "to-replace.bin", version: 2, md5: md5(content) });
  });

  test("a source answering 404 fails the task with 40004 naming the status", async () => {
    const taskId = await startImport({ url: `${sourceUrl}/missing`, filename: "missing.bin" });
    const done = await waitFor(async () => {
      const p = await progressOf(taskId);
      return p.status !== "processing" ? p : undefined;
    });
    expect(done.status).toBe("failed");
    expect(done.error.code).toBe(40004);
    expect(done.error.msg).toContain("404");
  });

  test("an unreachable source fails the task with 50000", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const taskId = await startImport({ url: `http://127.0.0.1:${port}/x`, filename: "unreachable.bin" });
    const done = await waitFor(async () => {
      const p = await progressOf(taskId);
      return p.status !== "processing" ? p : undefined;
    });
    expect(done).toMatchObject({ status: "failed", error: { code: 50000 } });
  });

  test("bad requests answer at once", async () => {
    const badUrl = await call(sandbox, "POST", `${API}/file/async/upload`, {
      json: { url: "ftp://x/y", filename: "a" },
    });
    expect(badUrl.json).toMatchObject({ code: 40001, msg: expect.stringMatching(/^url: /) });
    const noName = await call(sandbox, "POST", `${API}/file/async/upload`, {
      json: { url: `${sourceUrl}/file` },
    });
    expect(noName.json.msg).toBe("filename: is required");
    const both = await call(sandbox, "POST", `${API}/file/async/upload`, {
      json: { url: `${sourceUrl}/file`, filename: "a", parent_token: "0", parent_path: ["x"] },
    });
    expect(both.json.code).toBe(40001);
    await upload(sandbox, [], { filename: "exists.bin", content: Buffer.from("x") });
    const taken = await call(sandbox, "POST", `${API}/file/async/upload`, {
      json: { url: `${sourceUrl}/file`, filename: "exists.bin" },
    });
    expect(taken.json.code).toBe(40009);
    const notJson = await call(sandbox, "POST", `${API}/file/async/upload`, { body: Buffer.from("{oops") });
    expect(notJson.json).toMatchObject({ code: 40001, msg: expect.stringMatching(/^body: not valid JSON/) });
    expect((await call(sandbox, "GET", `${API}/file/async/upload/nope`)).json.code).toBe(40004);
  });
});
