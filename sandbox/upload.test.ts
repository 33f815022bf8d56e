import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "./server.ts";
import { API, call, multipart, signedHeaders, upload } from "./testing/wps2-client.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

async function download(token: string): Promise<Buffer> {
  const address = await call(sandbox, "GET", `${API}/files/${token}/download`);
  return Buffer.from(await (await fetch(address.json.data.url)).arrayBuffer());
}

async function children(parent: string): Promise<{ name: string; file_token: string; type: string }[]> {
  return (await call(sandbox, "GET", `${API}/files?parent_token=${parent}`)).json.data.files;
}

describe("direct upload", () => {
  test("stores the bytes and answers the file object with their MD5", async () => {
    const content = randomBytes(1000);
    const result = await upload(
      sandbox,
      [
        ["parent_token", "0"],
        ["creator", "u1"],
      ],
      {
        filename: "random.bin",
        content,
      },
    );
    expect(result.json.data).toMatchObject({
      name: "random.bin",
      type: "file",
      parent_token: "0",
      size: 1000,
    });
    expect(result.json.data.md5).toBe(md5(content));
    expect(await download(result.json.data.file_token)).toEqual(content);
  });

  test("a large body is hashed correctly on the way (body MD5 and file MD5)", async () => {
    const content = randomBytes(9 * 1024 * 1024 + 7);
    const result = await upload(sandbox, [], { filename: "large.bin", content });
    expect(result.json.data).toMatchObject({ size: content.length, md5: md5(content) });
    expect(md5(await download(result.json.data.file_token))).toBe(md5(content));
  });

  test("UTF-8 names survive", async () => {
    const result = await upload(sandbox, [], { filename: "报告 é.txt", content: Buffer.from("x") });
    expect(result.json.data.name).toBe("报告 é.txt");
  });

  test("parent_path creates the missing folders and reuses existing ones", async () => {
    const first = await upload(
      sandbox,
      [
        ["parent_path", "docs"],
        ["parent_path", "2024"],
      ],
      {
        filename: "a.txt",
        content: Buffer.from("a"),
      },
    );
    const second = await upload(
      sandbox,
      [
        ["parent_path", "docs"],
        ["parent_path", "2024"],
      ],
      {
        filename: "b.txt",
        content: Buffer.from("b"),
      },
    );
    expect(second.json.data.parent_token).toBe(first.json.data.parent_token);
    const docs = (await children("0")).find((f) => f.name === "docs")!;
    expect(docs.type).toBe("folder");
    const year = (await children(docs.file_token)).find((f) => f.name === "2024")!;
    expect(year.file_token).toBe(first.json.data.parent_token);
    expect((await children(year.file_token)).map((f) => f.name)).toEqual(["a.txt", "b.txt"]);
  });

  test("a file in the way of parent_path answers 40009", async () => {
    await upload(sandbox, [], { filename: "blocker", content: Buffer.from("x") });
    const result = await upload(sandbox, [["parent_path", "blocker"]], {
      filename: "c.txt",
      content: Buffer.from("c"),
    });
    expect(result.json.code).toBe(40009);
  });

  test("a name already taken answers 40009 and keeps the first file", async () => {
    const first = await upload(sandbox, [], { filename: "taken.txt", content: Buffer.from("first") });
    const second = await upload(sandbox, [], { filename: "taken.txt", content: Buffer.from("second") });
    expect(second.status).toBe(409);
    expect(second.json.code).toBe(40009);
    expect((await download(first.json.data.file_token)).toString()).toBe("first");
  });

  test("file_token stores a new version: same token, name and folder, version + 1", async () => {
    const first = await upload(sandbox, [["parent_path", "versions"]], {
      filename: "doc.txt",
      content: Buffer.from("v1"),
    });
    const token = first.json.data.file_token;
    const second = await upload(sandbox, [["file_token", token]], {
      filename: "other-name",
      content: Buffer.from("v2!"),
    });
    expect(second.json.data).toMatchObject({
      file_token: token,
      name: "doc.txt",
      parent_token: first.json.data.parent_token,
      version: 2,
      size: 3,
      md5: md5(Buffer.from("v2!")),
    });
    expect((await download(token)).toString()).toBe("v2!");
  });

  test("the placement rules answer 40001 naming the field", async () => {
    const base = { filename: "p.txt", content: Buffer.from("p") };
    const both = await upload(
      sandbox,
      [
        ["parent_token", "0"],
        ["parent_path", "x"],
      ],
      base,
    );
    expect(both.json).toMatchObject({ code: 40001, msg: expect.stringMatching(/^parent_path: /) });
    const token = (await upload(sandbox, [], { filename: "placed.txt", content: Buffer.from("x") })).json.data
      .file_token;
    const versionElsewhere = await upload(
      sandbox,
      [
        ["file_token", token],
        ["parent_token", "0"],
      ],
      base,
    );
    expect(versionElsewhere.json.msg).toMatch(/^file_token: /);
    const noFile = await upload(sandbox, [["parent_token", "0"]]);
    expect(noFile.json.msg).toMatch(/^file: /);
    const unknownParent = await upload(sandbox, [["parent_token", "nope"]], base);
    expect(unknownParent.json.code).toBe(40004);
    const unknownFile = await upload(sandbox, [["file_token", "nope"]], base);
    expect(unknownFile.json.code).toBe(40004);
    const badSegment = await upload(sandbox, [["parent_path", "a/b"]], base);
    expect(badSegment.json.msg).toMatch(/^parent_path: /);
  });

  test("malformed multipart and a JSON body answer 40001", async () => {
    const { contentType } = multipart([]);
    const garbage = await call(sandbox, "POST", `${API}/files/upload`, {
      body: Buffer.from("not multipart at all"),
      contentType,
    });
    expect(garbage.json.code).toBe(40001);
    const noBoundary = await call(sandbox, "POST", `${API}/files/upload`, {
      body: Buffer.from("x"),
      contentType: "multipart/form-data",
    });
    expect(noBoundary.json).toMatchObject({ code: 40001, msg: expect.stringMatching(/^Content-Type: /) });
    const json = await call(sandbox, "POST", `${API}/files/upload`, { json: { file: "x" } });
    expect(json.json).toMatchObject({ code: 40001, msg: expect.stringMatching(/^Content-Type: /) });
  });

  test("a declared body over 64 MiB answers 41300 before it is sent", async () => {
    const { headers } = signedHeaders(sandbox, "POST", `${API}/files/upload`, {
      contentType: "multipart/form-data; boundary=x",
      contentMd5: "0123456789abcdef0123456789abcdef",
    });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${sandbox.url}${API}/files/upload`, {
        method: "POST",
        headers: { ...headers, "Content-Length": String(100 * 1024 * 1024) },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => {
          resolve({ status: res.statusCode!, body });
          req.destroy();
        });
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).code).toBe(41300);
  });

  test("a streamed file over 64 MiB answers 41300 and stores nothing", async () => {
    const size = 64 * 1024 * 1024 + 1;
    const boundary = "----limit";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(1024 * 1024);
    const hash = createHash("md5").update(head);
    for (let sent = 0; sent < size; sent += chunk.length)
      hash.update(chunk.subarray(0, Math.min(chunk.length, size - sent)));
    hash.update(tail);
    const { headers } = signedHeaders(sandbox, "POST", `${API}/files/upload`, {
      contentType: `multipart/form-data; boundary=${boundary}`,
      contentMd5: hash.digest("hex"),
    });
    let sent = -1;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === -1) controller.enqueue(head);
        else if (sent < size) controller.enqueue(chunk.subarray(0, Math.min(chunk.length, size - sent)));
        else {
          controller.enqueue(tail);
          controller.close();
        }
        sent = sent === -1 ? 0 : sent + chunk.length;
      },
    });
    const response = await fetch(`${sandbox.url}${API}/files/upload`, {
      method: "POST",
      headers,
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).code).toBe(41300);
    expect((await children("0")).map((f) => f.name)).not.toContain("huge.bin");
  });
});
