/**
 * Clients that others wrote for the real services, ported request by request: the local cloud must
 * take what they send. Each is written here as its authors wrote it (quirks included), not as
 * docsync's client would send it.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "./server.ts";

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), "docsync-vendor-clients-"));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** A POST with exactly these headers (Host included, as the demos set it themselves). */
function post(url: URL, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: "POST",
      headers: { ...headers, "content-length": String(body.length) },
    });
    request.on("error", reject);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
      );
    });
    request.end(body);
  });
}

/**
 * iFlytek's OST upload demo (Python, class `SeveFile`): init, the slices, complete. Its quirks: one
 * minute-stamp request_id (`time.strftime("%Y%m%d%H%M")`) for every call, a digest of the empty
 * string for every body with a doubled prefix (`"SHA256=" + "SHA-256=…"`), the host without its port,
 * and multipart fields in the order of its dict (the file part first), framed by urllib3.
 */
class IflytekOstDemo {
  readonly #host: string;
  readonly #appId: string;
  readonly #apiKey: string;
  readonly #apiSecret: string;

  constructor(host: string, credentials: { appId: string; apiKey: string; apiSecret: string }) {
    this.#host = host;
    this.#appId = credentials.appId;
    this.#apiKey = credentials.apiKey;
    this.#apiSecret = credentials.apiSecret;
  }

  requestId(): string {
    const now = new Date();
    const two = (n: number) => String(n).padStart(2, "0");
    return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}${two(now.getHours())}${two(now.getMinutes())}`;
  }

  #headers(url: URL, contentType: string): Record<string, string> {
    const date = new Date().toUTCString(); // wsgiref's format_date_time
    const digest = "SHA256=" + `SHA-256=${createHash("sha256").update("").digest("base64")}`;
    const origin = `host: ${url.hostname}\ndate: ${date}\nPOST ${url.pathname} HTTP/1.1\ndigest: ${digest}`;
    const signature = createHmac("sha256", this.#apiSecret).update(origin).digest("base64");
    return {
      host: url.hostname,
      date,
      authorization: `api_key="${this.#apiKey}", algorithm="hmac-sha256", headers="host date request-line digest", signature="${signature}"`,
      digest,
      "content-type": contentType,
    };
  }

  async #call(path: string, body: Buffer, contentType: string): Promise<Answer> {
    const url = new URL(`/file${path}`, this.#host);
    return post(url, this.#headers(url, contentType), body);
  }

  /** urllib3's encode_multipart_formdata over the demo's dict. */
  #form(fields: Array<[string, string | { filename: string; data: Buffer }]>): [Buffer, string] {
    const boundary = randomUUID().replace(/-/g, "");
    const parts: Buffer[] = [];
    for (const [name, value] of fields) {
      if (typeof value === "string") {
        parts.push(
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
        );
      } else {
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\n` +
              "Content-Type: application/octet-stream\r\n\r\n",
          ),
          value.data,
          Buffer.from("\r\n"),
        );
      }
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return [Buffer.concat(parts), `multipart/form-data; boundary=${boundary}`];
  }

  init(requestId: string): Promise<Answer> {
    const body = { app_id: this.#appId, request_id: requestId, cloud_id: "0" };
    return this.#call("/mpupload/init", Buffer.from(JSON.stringify(body)), "application/json");
  }

  slice(path: string, data: Buffer, requestId: string, uploadId: string, sliceId: number): Promise<Answer> {
    const [body, type] = this.#form([
      ["data", { filename: path, data }],
      ["app_id", this.#appId],
      ["request_id", requestId],
      ["upload_id", uploadId],
      ["slice_id", String(sliceId)],
    ]);
    return this.#call("/mpupload/upload", body, type);
  }

  complete(requestId: string, uploadId: string): Promise<Answer> {
    const body = { app_id: this.#appId, request_id: requestId, upload_id: uploadId };
    return this.#call("/mpupload/complete", Buffer.from(JSON.stringify(body)), "application/json");
  }

  /** The demo's `gene_params(api_cut)`: 5 MiB slices, all under the request_id of the init. */
  async upload(path: string, content: Buffer): Promise<string> {
    const requestId = this.requestId();
    const init = await this.init(requestId);
    expect(init.json).toMatchObject({ code: 0 });
    const uploadId = init.json.data.upload_id as string;
    const chunk = 5 * 1024 * 1024;
    const chunks = Math.ceil(content.length / chunk);
    for (let sliceId = 1; sliceId <= chunks; sliceId++) {
      const data = content.subarray((sliceId - 1) * chunk, sliceId * chunk);
      const answer = await this.slice(path, data, requestId, uploadId, sliceId);
      expect(answer.json, `slice ${sliceId}`).toMatchObject({ code: 0 });
    }
    const done = await this.complete(requestId, uploadId);
    expect(done.json).toMatchObject({ code: 0, data: { url: expect.any(String) } });
    return done.json.data.url as string;
  }
}

describe("iFlytek's own OST upload demo", () => {
  test("uploads a file in slices under one request_id; the url serves the same bytes", async () => {
    const content = Buffer.alloc(11 * 1024 * 1024 + 123);
    for (let i = 0; i < content.length; i += 4096) content.writeUInt32LE(i, i);
    const path = join(dir, "demo.bin");
    writeFileSync(path, content);
    const demo = new IflytekOstDemo(sandbox.url, sandbox.ost);
    const url = await demo.upload(path, content);
    const served = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(served.equals(content)).toBe(true);
  });

  test("a slice sent again replaces the first; complete asked twice answers the same url", async () => {
    const demo = new IflytekOstDemo(sandbox.url, sandbox.ost);
    const requestId = demo.requestId();
    const uploadId = (await demo.init(requestId)).json.data.upload_id as string;
    await demo.slice("a.txt", Buffer.from("torn"), requestId, uploadId, 1);
    await demo.slice("a.txt", Buffer.from("whole"), requestId, uploadId, 1);
    const first = await demo.complete(requestId, uploadId);
    const second = await demo.complete(requestId, uploadId);
    expect(second.json.data.url).toBe(first.json.data.url);
    expect(await (await fetch(first.json.data.url)).text()).toBe("whole");
  });
});

/**
 * An outside WPS-2 client in the style of the Go ones: `time.Now().UTC().Format(time.RFC1123)` for the
 * Date (which writes `UTC`), and the MD5 of the request URI for any request without a body, whatever
 * its method.
 */
async function goStyleCall(method: string, uri: string, json?: unknown, md5Of?: string): Promise<Answer> {
  const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
  const date = new Date().toUTCString().replace(/GMT$/, "UTC");
  const contentMd5 = createHash("md5")
    .update(md5Of ?? body ?? uri)
    .digest("hex");
  const signature = createHash("sha1")
    .update(sandbox.appKey + contentMd5 + "application/json" + date)
    .digest("hex");
  const response = await fetch(sandbox.url + uri, {
    method,
    headers: {
      Date: date,
      "Content-Md5": contentMd5,
      "Content-Type": "application/json",
      Authorization: `WPS-2:${sandbox.appId}:${signature}`,
    },
    ...(body ? { body } : {}),
  });
  return { status: response.status, json: await response.json() };
}

describe("an outside WPS-2 client", () => {
  const api = "/api/v1/openapi/appspace";

  test("a Date in UTC and bodiless DELETEs signed over the URI are taken; so is the empty body's MD5", async () => {
    expect((await goStyleCall("GET", `${api}/files?parent_token=0`)).json.code).toBe(0);
    const folder = await goStyleCall("POST", `${api}/folders`, { name: "from-go", parent_token: "0" });
    expect(folder.json.code).toBe(0);
    const token = folder.json.data.file_token as string;
    const renamed = await goStyleCall("PUT", `${api}/files/${token}/name`, { new_name: "from-go-2" });
    expect(renamed.json.data.name).toBe("from-go-2");
    const destroyed = await goStyleCall("DELETE", `${api}/files/${token}/destroy`);
    expect(destroyed.json).toEqual({ code: 0, data: {} });

    const other = await goStyleCall("POST", `${api}/folders`, { name: "empty-md5", parent_token: "0" });
    const otherToken = other.json.data.file_token as string;
    const emptyMd5 = await goStyleCall("DELETE", `${api}/files/${otherToken}/destroy`, undefined, "");
    expect(emptyMd5.json).toEqual({ code: 0, data: {} });
  });

  test("a bodiless PUT passes the signature check; an MD5 of something else does not", async () => {
    const folder = await goStyleCall("POST", `${api}/folders`, { name: "bodiless-put", parent_token: "0" });
    const token = folder.json.data.file_token as string;
    // Signed over its URI: the signature is fine, the missing body is what is refused.
    const put = await goStyleCall("PUT", `${api}/files/${token}/name`);
    expect(put.json.code).toBe(40001);
    const wrong = await goStyleCall("DELETE", `${api}/files/${token}/destroy`, undefined, "something else");
    expect(wrong).toMatchObject({ status: 401, json: { code: 30003 } });
  });
});
