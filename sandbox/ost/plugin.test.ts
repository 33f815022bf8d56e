import { createHash, createHmac, randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { verifyOstSignature } from "./signature.ts";
import { startOstTestServer, type OstTestServer } from "./test-server.ts";

const MiB = 1024 * 1024;

interface Answer {
  code: number;
  message: string;
  data: { upload_id: string; url: string };
}
const DAY = 24 * 60 * 60 * 1000;

describe("OST signature check", () => {
  // Computed with openssl from the documented algorithm (see the client's signer test).
  const headers = {
    host: "upload-ost-api.xfyun.cn",
    date: "Wed, 23 Jan 2013 06:43:08 GMT",
    digest: "SHA-256=zvGuI84pNxX2X4CcG4BorJmehQU01uLrABKptqa2A0k=",
    authorization:
      'api_key="key-1", algorithm="hmac-sha256", headers="host date request-line digest", ' +
      'signature="pMjWsTedydp+R7kadBiCF/Uu5ohm5/vtX/IqQU6hSf4="',
  };
  const request = { method: "POST", url: "/file/mpupload/init", headers };
  const credentials = { apiKey: "key-1", apiSecret: "exampleSecret123" };
  const at = Date.parse(headers.date);

  test("accepts the hand-computed vector within 300 s", () => {
    expect(verifyOstSignature(request, credentials, at + 299_000)).toEqual({ ok: true });
    expect(verifyOstSignature(request, credentials, at - 299_000)).toEqual({ ok: true });
  });

  test("refuses a skewed date, a wrong secret, a wrong path and a missing header", () => {
    expect(verifyOstSignature(request, credentials, at + 301_000)).toMatchObject({ ok: false, status: 403 });
    expect(verifyOstSignature(request, { ...credentials, apiSecret: "other" }, at)).toMatchObject({
      ok: false,
      status: 401,
      message: "HMAC signature does not match",
    });
    expect(verifyOstSignature({ ...request, url: "/file/mpupload/complete" }, credentials, at)).toMatchObject(
      {
        ok: false,
      },
    );
    expect(
      verifyOstSignature({ ...request, headers: { ...headers, authorization: undefined } }, credentials, at),
    ).toMatchObject({ ok: false, status: 401, message: "Unauthorized" });
    const otherList = headers.authorization.replace("request-line digest", "request-line");
    expect(
      verifyOstSignature({ ...request, headers: { ...headers, authorization: otherList } }, credentials, at),
    ).toMatchObject({ ok: false, status: 401 });
  });

  test("takes every authorization form of the vendor's auth guide and demos, and a date in UTC", () => {
    const signature = /signature="([^"]+)"/.exec(headers.authorization)![1]!;
    const list = 'algorithm="hmac-sha256", headers="host date request-line digest"';
    const forms = [
      `hmac api_key="key-1", ${list}, signature="${signature}"`,
      `hmac username="key-1", ${list}, signature="${signature}"`,
      `username="key-1", ${list}, signature="${signature}"`,
      `api_key="key-1",algorithm="hmac-sha256",headers="host date request-line digest",signature="${signature}"`,
      `HMAC username="key-1",${list.replace(", ", ",")},signature="${signature}"`,
    ];
    for (const authorization of forms) {
      expect(
        verifyOstSignature({ ...request, headers: { ...headers, authorization } }, credentials, at),
        authorization,
      ).toEqual({ ok: true });
    }
    const utc = headers.date.replace("GMT", "UTC");
    const utcSignature = createHmac("sha256", credentials.apiSecret)
      .update(
        `host: ${headers.host}\ndate: ${utc}\nPOST /file/mpupload/init HTTP/1.1\ndigest: ${headers.digest}`,
      )
      .digest("base64");
    const utcRequest = {
      ...request,
      headers: {
        ...headers,
        date: utc,
        authorization: `api_key="key-1", ${list}, signature="${utcSignature}"`,
      },
    };
    expect(verifyOstSignature(utcRequest, credentials, at)).toEqual({ ok: true });
    // Another key under either name is still refused.
    const stranger = `hmac username="key-2", ${list}, signature="${signature}"`;
    expect(
      verifyOstSignature({ ...request, headers: { ...headers, authorization: stranger } }, credentials, at),
    ).toMatchObject({ ok: false, message: "HMAC signature does not match" });
  });
});

describe("OST endpoints", () => {
  let server: OstTestServer;
  let clockOffset = 0;

  beforeAll(async () => {
    server = await startOstTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  /** An independent signer: this test must not trust the client's. */
  function signedHeaders(path: string, digest: string, secret = server.apiSecret) {
    const url = new URL(path, server.baseUrl);
    const date = new Date(Date.now() + clockOffset).toUTCString();
    const text = `host: ${url.host}\ndate: ${date}\nPOST ${url.pathname} HTTP/1.1\ndigest: ${digest}`;
    const signature = createHmac("sha256", secret).update(text).digest("base64");
    return {
      date,
      digest,
      authorization: `api_key="${server.apiKey}", algorithm="hmac-sha256", headers="host date request-line digest", signature="${signature}"`,
    };
  }

  async function postJson(path: string, body: Record<string, unknown>, secret?: string) {
    const text = JSON.stringify(body);
    const digest = `SHA-256=${createHash("sha256").update(text).digest("base64")}`;
    const response = await fetch(new URL(path, server.baseUrl), {
      method: "POST",
      headers: { ...signedHeaders(path, digest, secret), "content-type": "application/json" },
      body: text,
    });
    return { status: response.status, body: (await response.json()) as Answer };
  }

  /** Field order as in the vendor's example: the data part before upload_id and request_id. */
  function form(fields: Record<string, string>, data: Buffer) {
    const boundary = "--------------------------" + randomUUID().replace(/-/g, "");
    const parts: Buffer[] = [];
    const { upload_id, request_id, ...first } = fields;
    for (const [name, value] of Object.entries(first)) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      );
    }
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="test.txt"\r\nContent-Type: text/plain\r\n\r\n`,
      ),
      data,
      Buffer.from("\r\n"),
    );
    for (const [name, value] of Object.entries({ upload_id, request_id })) {
      if (value === undefined) continue;
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
  }

  const emptyDigest = `SHA-256=${createHash("sha256").update("").digest("base64")}`;

  async function postForm(path: string, fields: Record<string, string>, data: Buffer) {
    const { body, contentType } = form(fields, data);
    const response = await fetch(new URL(path, server.baseUrl), {
      method: "POST",
      headers: { ...signedHeaders(path, emptyDigest), "content-type": contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as Answer };
  }

  const base = () => ({ app_id: server.appId, request_id: randomUUID() });

  async function init() {
    const answer = await postJson("/file/mpupload/init", { ...base(), cloud_id: "0" });
    expect(answer.body).toMatchObject({ code: 0, message: "success" });
    return answer.body.data.upload_id as string;
  }

  const slice = (uploadId: string, sliceId: number | string, data: Buffer) =>
    postForm("/file/mpupload/upload", { ...base(), upload_id: uploadId, slice_id: String(sliceId) }, data);

  test("multipart upload: slices streamed in, the URL serves the file to a plain GET", async () => {
    const uploadId = await init();
    const first = Buffer.alloc(5 * MiB, 1);
    const second = Buffer.alloc(5 * MiB + 3, 2);
    const last = Buffer.from("the end");
    // Out of order, and slice 2 sent twice: the later one replaces the earlier.
    expect((await slice(uploadId, 3, last)).body.code).toBe(0);
    expect((await slice(uploadId, 2, Buffer.alloc(5 * MiB, 9))).body.code).toBe(0);
    expect((await slice(uploadId, 1, first)).body.code).toBe(0);
    expect((await slice(uploadId, 2, second)).body.code).toBe(0);
    const done = await postJson("/file/mpupload/complete", { ...base(), upload_id: uploadId });
    expect(done.body).toMatchObject({ code: 0, data: { url: expect.stringContaining(server.baseUrl) } });

    const download = await fetch(done.body.data.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-length")).toBe(String(10 * MiB + 3 + last.length));
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.equals(Buffer.concat([first, second, last]))).toBe(true);

    const stats = await server.stats();
    expect(stats.uploads[uploadId]?.slices).toEqual({ 1: 1, 2: 2, 3: 1 });
  });

  test("slice rules: ids 1..10000, no gap at complete, 5 MiB for every slice but the last", async () => {
    const uploadId = await init();
    for (const bad of ["0", "10001", "abc", "1.5"]) {
      expect((await slice(uploadId, bad, Buffer.from("x"))).body.code).toBe(10001);
    }
    expect((await slice(uploadId, 1, Buffer.alloc(5 * MiB))).body.code).toBe(0);
    expect((await slice(uploadId, 3, Buffer.from("z"))).body.code).toBe(0);
    const gap = await postJson("/file/mpupload/complete", { ...base(), upload_id: uploadId });
    expect(gap.body).toMatchObject({ code: 10001, message: "slice 2 is missing" });

    expect((await slice(uploadId, 2, Buffer.alloc(MiB))).body.code).toBe(0);
    const small = await postJson("/file/mpupload/complete", { ...base(), upload_id: uploadId });
    expect(small.body.code).toBe(10001);
    expect(small.body.message).toMatch(/slice 2 .*5 MiB/);

    const empty = await init();
    expect((await postJson("/file/mpupload/complete", { ...base(), upload_id: empty })).body.code).toBe(
      10001,
    );
    expect(
      (await postJson("/file/mpupload/complete", { app_id: server.appId, upload_id: empty })).body.code,
    ).toBe(10001);
  });

  test("one request_id for every call is no replay: each call does its own work", async () => {
    // iFlytek's own demo sends one minute-stamp request_id for init, every slice and complete.
    const requestId = "202401021504";
    const request = { app_id: server.appId, request_id: requestId };
    const first = await postJson("/file/mpupload/init", request);
    const second = await postJson("/file/mpupload/init", request);
    expect(second.body.data.upload_id).not.toBe(first.body.data.upload_id);
    const uploadId = first.body.data.upload_id as string;

    const fields = { ...request, upload_id: uploadId, slice_id: "1" };
    expect((await postForm("/file/mpupload/upload", fields, Buffer.from("first"))).body.code).toBe(0);
    // A slice sent again replaces the earlier one.
    expect((await postForm("/file/mpupload/upload", fields, Buffer.from("second"))).body.code).toBe(0);
    const done = await postJson("/file/mpupload/complete", { ...request, upload_id: uploadId });
    expect(await (await fetch(done.body.data.url)).text()).toBe("second");
    // A complete whose answer was lost is asked again and answers the same url.
    const before = (await server.stats()).requests.completedAgain;
    const again = await postJson("/file/mpupload/complete", { ...base(), upload_id: uploadId });
    expect(again.body).toMatchObject({ code: 0, data: { url: done.body.data.url } });
    expect((await server.stats()).requests.completedAgain).toBe(before + 1);
    // Once complete, the upload takes no more slices.
    expect((await postForm("/file/mpupload/upload", fields, Buffer.from("late"))).body.code).toBe(10005);
  });

  test("an upload id older than 24 h answers 10005", async () => {
    const uploadId = await init();
    expect((await slice(uploadId, 1, Buffer.from("a"))).body.code).toBe(0);
    server.advanceClock(DAY + 1000);
    clockOffset += DAY + 1000;
    try {
      expect((await slice(uploadId, 2, Buffer.from("b"))).body.code).toBe(10005);
      expect((await postJson("/file/mpupload/complete", { ...base(), upload_id: uploadId })).body.code).toBe(
        10005,
      );
      expect((await slice("up_unknown", 1, Buffer.from("b"))).body.code).toBe(10005);
    } finally {
      server.advanceClock(-(DAY + 1000));
      clockOffset = 0;
    }
  });

  test("cancel forgets the upload", async () => {
    const uploadId = await init();
    expect((await slice(uploadId, 1, Buffer.from("a"))).body.code).toBe(0);
    expect((await postJson("/file/mpupload/cancel", { ...base(), upload_id: uploadId })).body.code).toBe(0);
    expect((await slice(uploadId, 2, Buffer.from("b"))).body.code).toBe(10005);
    expect((await postJson("/file/mpupload/complete", { ...base(), upload_id: uploadId })).body.code).toBe(
      10005,
    );
  });

  test("single upload under 30 MB; 30 MB or more is refused", async () => {
    const data = Buffer.from("==test==");
    const answer = await postForm("/file/upload", base(), data);
    expect(answer.body).toMatchObject({ code: 0, data: { url: expect.any(String) } });
    expect(await (await fetch(answer.body.data.url)).text()).toBe("==test==");

    const tooLarge = await postForm("/file/upload", base(), Buffer.alloc(30_000_000));
    expect(tooLarge.body.code).toBe(10001);
    expect(tooLarge.body.message).toMatch(/30 MB/);
  });

  test("bad signature, bad app id and bad parameters", async () => {
    const wrongSecret = await postJson("/file/mpupload/init", base(), "wrong");
    expect(wrongSecret).toMatchObject({ status: 401, body: { message: "HMAC signature does not match" } });
    const wrongApp = await postJson("/file/mpupload/init", { ...base(), app_id: "other" });
    expect(wrongApp.status).toBe(401);
    const noRequestId = await postJson("/file/mpupload/init", { app_id: server.appId });
    expect(noRequestId.body.code).toBe(10001);
    const notJson = await fetch(new URL("/file/mpupload/init", server.baseUrl), {
      method: "POST",
      headers: { ...signedHeaders("/file/mpupload/init", emptyDigest), "content-type": "application/json" },
      body: "{nope",
    });
    expect(((await notJson.json()) as { code: number }).code).toBe(10001);
    const missingData = await postForm(
      "/file/mpupload/upload",
      { ...base(), upload_id: await init() },
      Buffer.alloc(0),
    );
    expect(missingData.body.code).toBe(10001); // no slice_id
    expect((await fetch(`${server.baseUrl}/ost/files/nope`)).status).toBe(404);
  });

  test("a slice cut off mid-body is not stored", async () => {
    const uploadId = await init();
    const { body, contentType } = form(
      { ...base(), upload_id: uploadId, slice_id: "1" },
      Buffer.alloc(6 * MiB, 7),
    );
    await new Promise<void>((resolve) => {
      const request = http.request(new URL("/file/mpupload/upload", server.baseUrl), {
        method: "POST",
        headers: {
          ...signedHeaders("/file/mpupload/upload", emptyDigest),
          "content-type": contentType,
          "content-length": body.length,
        },
      });
      request.on("error", () => resolve());
      request.write(body.subarray(0, 3 * MiB), () => request.destroy());
    });
    // The partial slice is thrown away, not kept as a temp file.
    const tmp = join(server.dataDir, "tmp");
    const deadline = Date.now() + 5_000;
    while (readdirSync(tmp).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(tmp)).toEqual([]);
    const stats = await server.stats();
    expect(stats.uploads[uploadId]?.slices).toEqual({});
    const complete = await postJson("/file/mpupload/complete", { ...base(), upload_id: uploadId });
    expect(complete.body).toMatchObject({ code: 10001, message: "no slice was uploaded" });
  });
});
