import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { wps2Signature } from "./appspace/signature.ts";
import { startSandbox, type Sandbox } from "./server.ts";
import { API, call, multipart, upload } from "./testing/wps2-client.ts";

let sandbox: Sandbox;
// Whole seconds, as an HTTP Date carries them.
let clock = Math.floor(Date.now() / 1000) * 1000;
beforeAll(async () => {
  sandbox = await startSandbox({ now: () => clock });
});
afterAll(() => sandbox.close());

test("the vendor's test vector signs as documented", () => {
  expect(
    wps2Signature(
      "wJalrXUtnFEYEXAMPLEKES",
      "d41d8cd98f00b204e9800998ecf8427e",
      "application/json",
      "Wed, 23 Jan 2013 06:43:08 GMT",
    ),
  ).toBe("083500176fa3aab58ca2dc962978013b3ca2b6df");
});

describe("a correctly signed request", () => {
  test("GET signs the MD5 of the request URI with its query", async () => {
    const result = await call(sandbox, "GET", `${API}/files?parent_token=0&count=5`);
    expect(result.status).toBe(200);
    expect(result.json.code).toBe(0);
  });

  test("a DELETE without a body signs the MD5 of the empty body", async () => {
    const folder = await call(sandbox, "POST", `${API}/folders`, { json: { name: "to-destroy" } });
    const result = await call(sandbox, "DELETE", `${API}/files/${folder.json.data.file_token}/destroy`);
    expect(result.json).toEqual({ code: 0, data: {} });
  });
});

describe("refusals name what to fix", () => {
  test("a wrong app_key answers 30003 with the strings the server signed, never the key", async () => {
    const result = await call(sandbox, "GET", `${API}/files`, { appKey: "not-the-key" });
    expect(result.status).toBe(401);
    expect(result.json.code).toBe(30003);
    expect(result.json.hint).toContain('Content-Type "application/json"');
    expect(result.json.hint).toContain("Content-Md5");
    expect(result.json.hint).not.toContain(sandbox.appKey);
  });

  test("a body altered after signing answers 30003 naming the MD5 the server computed", async () => {
    const result = await call(sandbox, "POST", `${API}/folders`, {
      json: { name: "signed" },
      sendBody: Buffer.from(JSON.stringify({ name: "altered" })),
    });
    expect(result.json.code).toBe(30003);
    expect(result.json.hint).toMatch(/MD5 of the body as the server received it is "[0-9a-f]{32}"/);
    const listing = await call(sandbox, "GET", `${API}/files`);
    expect(listing.json.data.files.map((f: { name: string }) => f.name)).not.toContain("altered");
  });

  test("a GET signed for another query answers 30003", async () => {
    const result = await call(sandbox, "GET", `${API}/files?count=5`, {
      contentMd5: "0123456789abcdef0123456789abcdef",
    });
    expect(result.json.code).toBe(30003);
    expect(result.json.hint).toContain(`the request URI "${API}/files?count=5"`);
  });

  test("an uppercase Content-Md5 is refused with a hint to use lowercase", async () => {
    const body = Buffer.from(JSON.stringify({ name: "upper" }));
    const { createHash } = await import("node:crypto");
    const upper = createHash("md5").update(body).digest("hex").toUpperCase();
    const result = await call(sandbox, "POST", `${API}/folders`, { body, contentMd5: upper });
    expect(result.json.code).toBe(30003);
    expect(result.json.hint).toContain("lowercase");
  });

  test("a Content-Type other than the one signed answers 30003", async () => {
    const result = await call(sandbox, "POST", `${API}/folders`, {
      json: { name: "x" },
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
    expect(result.json.code).toBe(30003);
    expect(result.json.hint).toContain('Content-Type "application/json; charset=utf-8"');
  });

  test("a multipart body altered after signing answers 30003 and stores nothing", async () => {
    const signed = multipart([], { filename: "a.txt", content: Buffer.from("original") });
    const sent = multipart([], { filename: "a.txt", content: Buffer.from("tampered") });
    const result = await call(sandbox, "POST", `${API}/files/upload`, {
      body: signed.body,
      contentType: signed.contentType,
      sendBody: Buffer.from(
        sent.body.toString().replaceAll(sent.contentType.split("=")[1]!, signed.contentType.split("=")[1]!),
      ),
    });
    expect(result.json.code).toBe(30003);
    expect(result.json.hint).toContain("the multipart body");
    const listing = await call(sandbox, "GET", `${API}/files`);
    expect(listing.json.data.files.map((f: { name: string }) => f.name)).not.toContain("a.txt");
  });

  test("an unknown app_id answers 30005", async () => {
    const result = await call(sandbox, "GET", `${API}/files`, { appId: "SX20990101NOSUCH" });
    expect(result.status).toBe(401);
    expect(result.json.code).toBe(30005);
    expect(result.json.hint).toContain("app_id");
  });

  test("a missing Date answers 30004 with an example of the format", async () => {
    const result = await call(sandbox, "GET", `${API}/files`, { date: null });
    expect(result.json.code).toBe(30004);
    expect(result.json.hint).toMatch(/GMT/);
  });

  test("a Date 20 minutes off answers 30004 naming the skew; 10 minutes is accepted", async () => {
    const skewed = new Date(clock - 20 * 60 * 1000).toUTCString();
    const result = await call(sandbox, "GET", `${API}/files`, { date: skewed });
    expect(result.json.code).toBe(30004);
    expect(result.json.msg).toContain("1200 s behind");
    const near = new Date(clock + 10 * 60 * 1000).toUTCString();
    expect((await call(sandbox, "GET", `${API}/files`, { date: near })).json.code).toBe(0);
  });

  test("the skew is measured against the server clock", async () => {
    clock += 60 * 60 * 1000;
    try {
      const result = await call(sandbox, "GET", `${API}/files`);
      expect(result.json.code).toBe(30004);
      expect(result.json.msg).toContain("behind");
    } finally {
      clock -= 60 * 60 * 1000;
    }
  });

  test("a missing or malformed Authorization answers 30003", async () => {
    const noAuth = await fetch(`${sandbox.url}${API}/files`);
    expect((await noAuth.json()).code).toBe(30003);
    const malformed = await call(sandbox, "GET", `${API}/files`, { headers: { Authorization: "Bearer x" } });
    expect(malformed.json.code).toBe(30003);
    expect(malformed.json.hint).toContain("WPS-2:");
  });

  test("an upload with a bad signature is refused before its body is stored", async () => {
    const result = await upload({ ...sandbox, appKey: "wrong" }, [], {
      filename: "nope.txt",
      content: Buffer.from("x"),
    });
    expect(result.json.code).toBe(30003);
  });
});
