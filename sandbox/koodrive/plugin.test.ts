/** The KooDrive endpoints' rules, seen from a plain HTTP client: every bad input gets a clear answer. */
import { createHash } from "node:crypto";
import { afterEach, beforeEach, expect, test } from "vitest";
import { startKooDriveTestServer, type KooDriveTestServer } from "./test-server.ts";

let server: KooDriveTestServer;
let token: string;

beforeEach(async () => {
  server = await startKooDriveTestServer({
    users: [
      { name: "ann", password: "pw" },
      { name: "bob", password: "pw" },
    ],
  });
  token = (await server.login("ann", "pw")).token;
});
afterEach(() => server.close());

async function call(path: string, body?: unknown, options: { token?: string; raw?: string } = {}) {
  const response = await fetch(`${server.baseUrl}/koodrive/ose/v1${path}`, {
    method: body === undefined && options.raw === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${options.token ?? token}`, "content-type": "application/json" },
    ...(options.raw !== undefined
      ? { body: options.raw }
      : body !== undefined
        ? { body: JSON.stringify(body) }
        : {}),
  });
  return {
    status: response.status, // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are probed field by field
    json: (await response.json()) as Record<string, any>,
  };
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

test("sign-in, tokens and spaces", async () => {
  const login = await fetch(`${server.baseUrl}/__sandbox/koodrive/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "ann", password: "wrong" }),
  });
  expect(login.status).toBe(401);
  expect((await call("/files/0", { parentFileId: "root" }, { token: "nope" })).status).toBe(401);
  const bob = await server.login("bob", "pw");
  const folder = (await call("/directory", { fileName: "mine", fileType: "10" })).json;
  expect((await call(`/files/${folder.id}/detail`, {}, { token: bob.token })).json.code).toBe("13000309");
  expect((await call("/files/0", { parentFileId: "root", containerId: bob.containerId })).json).toMatchObject(
    {
      code: "13000102",
      msg: expect.stringMatching(/containerId/),
    },
  );
});

test("bodies are validated field by field", async () => {
  expect((await call("/files/0", undefined, { raw: "{not json" })).json.code).toBe("13000102");
  expect((await call("/files/0", {})).json.msg).toMatch(/parentFileId: is required/);
  expect((await call("/files/1", { parentFileId: "root" })).json.msg).toMatch(/recycle bin/);
  expect((await call("/files/0", { parentFileId: "root", pageInfo: { pageSize: 101 } })).json.msg).toMatch(
    /pageSize/,
  );
  expect((await call("/directory", { fileName: "x", fileType: "15" })).json.msg).toMatch(/fileType/);
  expect((await call("/directory", { fileName: "..", fileType: "10" })).json.msg).toMatch(/not a valid name/);
  expect((await call("/jobs", { taskType: 5, taskInfo: { fileInfo: [{ fileId: "a" }] } })).json.msg).toMatch(
    /taskType/,
  );
  expect((await call("/jobs", { taskType: 3, taskInfo: { fileInfo: [{ fileId: "a" }] } })).json.msg).toMatch(
    /newFilePath/,
  );
  expect((await call("/share/tasks", { taskType: 1, fileIds: [] })).json.msg).toMatch(/1 to 1000/);
  expect((await call("/share/taskDetail", { taskId: "1", shareId: "other" })).json.code).toBe("13000309");
});

test("uploads check parts, lengths and the SHA-256; known content completes at once", async () => {
  const created = (await call("/files/create", { fileName: "a.txt", length: 5, uploadMode: "put" })).json;
  const url = created.multiParts[0].uploadUrl as string;
  const put = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: "PUT", headers: { "content-type": "application/octet-stream", ...headers }, body });
  expect((await put("toolong")).status).toBe(400);
  expect((await call("/files/complete", { fileId: created.fileId })).json.msg).toMatch(
    /part 1 was never received/,
  );
  expect((await put("hello")).status).toBe(200);
  expect((await call("/files/complete", { fileId: created.fileId, sha256: sha("other") })).json.code).toBe(
    "13000402",
  );
  expect((await call("/files/complete", { fileId: created.fileId, sha256: sha("hello") })).json.code).toBe(0);
  expect((await call("/files/complete", { fileId: created.fileId })).json.code).toBe("13000401");

  const again = (await call("/files/create", { fileName: "b.txt", length: 5, sha256: sha("hello") })).json;
  expect(again).toMatchObject({ code: 0, rapidUpload: true });
  expect((await call(`/files/${again.fileId}/detail`, {})).json).toMatchObject({
    size: 5,
    sha256: sha("hello"),
  });

  const taken = await call("/files/create", { fileName: "a.txt", length: 1, uploadMode: "put" });
  expect(taken.json.code).toBe("13000405");
  const stamped = await call("/files/create", {
    fileName: "a.txt",
    length: 1,
    uploadMode: "put",
    autoRename: 2,
  });
  expect(stamped.json.fileName).toMatch(/^a_\d{14}\.txt$/);

  const multi = (await call("/files/create", { fileName: "m.bin", length: 6 * 1024 * 1024 })).json;
  const urls = await call("/files/multipart/uploadUrl", {
    fileId: multi.fileId,
    multiParts: [
      { partNumber: 1, partSize: 1024 * 1024 },
      { partNumber: 2, partSize: 5 * 1024 * 1024 },
    ],
  });
  for (const part of urls.json.multiParts) {
    await fetch(part.uploadUrl, { method: "PUT", body: Buffer.alloc(part.partSize) });
  }
  expect((await call("/files/complete", { fileId: multi.fileId })).json.msg).toMatch(/at least 5 MiB/);
});

test("a package is made from a live share of the caller's own files", async () => {
  const folder = (await call("/directory", { fileName: "shared", fileType: "10" })).json;
  const inner = (await call("/directory", { fileName: "inner", fileType: "10", parentFolder: [folder.id] }))
    .json;
  const other = (await call("/directory", { fileName: "not-shared", fileType: "10" })).json;
  const created = await call("/share", { scope: 1, fileIds: [folder.id], validDays: 1 });
  expect(created.json).toMatchObject({ code: 0, shareLink: { shareId: expect.stringMatching(/^\d+$/) } });
  const shareId = created.json.shareLink.shareId as string;

  // Files below a shared folder belong to the share; others do not; no share id is a constant.
  expect((await call("/share/tasks", { taskType: 1, fileIds: [inner.id], shareId })).json.code).toBe(0);
  expect((await call("/share/tasks", { taskType: 1, fileIds: [other.id], shareId })).json).toMatchObject({
    code: "13000102",
    msg: expect.stringMatching(/not in share/),
  });
  expect((await call("/share/tasks", { taskType: 1, fileIds: [folder.id], shareId: "self" })).json.code).toBe(
    "13000309",
  );
  expect((await call("/share/tasks", { taskType: 1, fileIds: [folder.id] })).json.msg).toMatch(/shareId/);

  // Shares are the caller's, hold existing files only, at most 100, for 1 to 365 days.
  const bob = await server.login("bob", "pw");
  const asBob = { taskType: 1, fileIds: [folder.id], shareId };
  expect((await call("/share/tasks", asBob, { token: bob.token })).json.code).toBe("13000309");
  expect((await call("/share", { scope: 1, fileIds: ["nope"], validDays: 1 })).json.code).toBe("13000309");
  const many = Array.from({ length: 101 }, (_, i) => `F${i}`);
  expect((await call("/share", { scope: 1, fileIds: many, validDays: 1 })).json.msg).toMatch(/1 to 100/);
  expect((await call("/share", { scope: 1, fileIds: [folder.id], validDays: 0 })).json.msg).toMatch(
    /validDays/,
  );

  // Cancelled, it packs nothing more.
  const cancelled = await call("/share/cancel", { shareIds: [shareId, "999"] });
  expect(cancelled.json.subResponseList).toEqual([
    { shareId, code: "0", msg: "success" },
    expect.objectContaining({ shareId: "999", code: "13000309" }),
  ]);
  expect((await call("/share/tasks", { taskType: 1, fileIds: [folder.id], shareId })).json.code).toBe(
    "13000309",
  );
});

test("download addresses serve each file's bytes without a token and outlive a new version", async () => {
  const upload = async (text: string, revisionOf?: string) => {
    const created = (
      await call(revisionOf ? "/revision/createRevision" : "/files/create", {
        ...(revisionOf ? { fileId: revisionOf } : { fileName: "a.txt" }),
        length: text.length,
        uploadMode: "put",
      })
    ).json;
    await fetch(created.multiParts[0].uploadUrl, { method: "PUT", body: text });
    const fileId = revisionOf ?? created.fileId;
    const done = await call(revisionOf ? "/revision/completeRevision" : "/files/complete", {
      fileId,
      sha256: sha(text),
    });
    expect(done.json.code).toBe(0);
    return fileId as string;
  };
  const fileId = await upload("hello");
  const folder = (await call("/directory", { fileName: "dir", fileType: "10" })).json;

  const answer = (await call("/files/download", { fileIds: [fileId, folder.id, "Fnope"] })).json;
  expect(answer).toMatchObject({
    code: 0,
    batchCode: 0,
    downloads: [
      { fileId, fileName: "a.txt", url: expect.any(String), code: "0" },
      { fileId: folder.id, code: "13000406" },
      { fileId: "Fnope", code: "13000309" },
    ],
  });
  const url = answer.downloads[0].url as string;
  const first = await fetch(url);
  expect(first.status).toBe(200);
  expect(await first.text()).toBe("hello");

  await upload("a second version", fileId);
  expect(await (await fetch(url)).text()).toBe("hello");
  const fresh = (await call("/files/download", { fileIds: [fileId] })).json;
  expect(fresh.batchCode).toBe(1);
  expect(await (await fetch(fresh.downloads[0].url)).text()).toBe("a second version");

  expect((await fetch(`${url}x`)).status).toBe(404);
  expect((await call("/files/download", { fileIds: [] })).json).toMatchObject({
    code: "13000102",
    msg: expect.stringMatching(/fileIds/),
  });
  const bob = await server.login("bob", "pw");
  const theirs = (await call("/files/download", { fileIds: [fileId] }, { token: bob.token })).json;
  expect(theirs).toMatchObject({ batchCode: 2, downloads: [{ fileId, code: "13000309" }] });
});
