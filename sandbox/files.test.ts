import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "./server.ts";
import { API, call, upload } from "./testing/wps2-client.ts";

let sandbox: Sandbox;
let clock = Date.now();
beforeAll(async () => {
  sandbox = await startSandbox({ now: () => clock });
});
afterAll(() => sandbox.close());

async function folder(name: string, parent = "0"): Promise<string> {
  const result = await call(sandbox, "POST", `${API}/folders`, { json: { name, parent_token: parent } });
  expect(result.json.code).toBe(0);
  return result.json.data.file_token;
}

async function file(name: string, parent: string, content = name): Promise<string> {
  const result = await upload(sandbox, [["parent_token", parent]], {
    filename: name,
    content: Buffer.from(content),
  });
  expect(result.json.code).toBe(0);
  return result.json.data.file_token;
}

const names = (files: { name: string }[]) => files.map((f) => f.name);

describe("listing", () => {
  test("folders come first, then files, each by name, page by page", async () => {
    const parent = await folder("listing");
    await file("b.txt", parent);
    await folder("z-folder", parent);
    await file("a.txt", parent);
    await folder("m-folder", parent);
    await file("c.txt", parent);

    const first = await call(sandbox, "GET", `${API}/files?parent_token=${parent}&count=2`);
    expect(names(first.json.data.files)).toEqual(["m-folder", "z-folder"]);
    expect(first.json.data.next_offset).toBe(2);
    const second = await call(sandbox, "GET", `${API}/files?parent_token=${parent}&count=2&offset=2`);
    expect(names(second.json.data.files)).toEqual(["a.txt", "b.txt"]);
    const last = await call(sandbox, "GET", `${API}/files?parent_token=${parent}&count=2&offset=4`);
    expect(names(last.json.data.files)).toEqual(["c.txt"]);
    expect(last.json.data.next_offset).toBe(-1);
  });

  test("without parent_token it lists the root, 100 at a time", async () => {
    const result = await call(sandbox, "GET", `${API}/files`);
    expect(names(result.json.data.files)).toContain("listing");
    expect(result.json.data.next_offset).toBe(-1);
  });

  test("bad arguments answer 40001 naming the field; an unknown folder 40004", async () => {
    const tooMany = await call(sandbox, "GET", `${API}/files?count=501`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({ code: 40001, msg: expect.stringMatching(/^count: /) });
    const notNumber = await call(sandbox, "GET", `${API}/files?offset=abc`);
    expect(notNumber.json.msg).toMatch(/^offset: /);
    const unknown = await call(sandbox, "GET", `${API}/files?parent_token=nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe(40004);
  });
});

describe("file info, folders and rename", () => {
  test("file info returns the file object", async () => {
    const parent = await folder("info");
    const token = await file("hello.txt", parent, "hello");
    const result = await call(sandbox, "GET", `${API}/files/${token}`);
    expect(result.json.data).toEqual({
      file_token: token,
      name: "hello.txt",
      type: "file",
      parent_token: parent,
      size: 5,
      md5: "5d41402abc4b2a76b9719d911017c592",
      version: 1,
      ctime: Math.floor(clock / 1000),
      mtime: Math.floor(clock / 1000),
    });
    expect((await call(sandbox, "GET", `${API}/files/nope`)).json.code).toBe(40004);
  });

  test("a folder name taken in the same folder answers 40009; bad names 40001", async () => {
    const parent = await folder("names");
    await folder("taken", parent);
    const again = await call(sandbox, "POST", `${API}/folders`, {
      json: { name: "taken", parent_token: parent },
    });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe(40009);
    for (const name of ["", "a/b", "..", "x".repeat(256)]) {
      const bad = await call(sandbox, "POST", `${API}/folders`, { json: { name, parent_token: parent } });
      expect(bad.json).toMatchObject({ code: 40001, msg: expect.stringMatching(/^name: /) });
    }
    const noName = await call(sandbox, "POST", `${API}/folders`, { json: { parent_token: parent } });
    expect(noName.json.msg).toBe("name: is required");
    const inFile = await call(sandbox, "POST", `${API}/folders`, {
      json: { name: "x", parent_token: await file("f.txt", parent) },
    });
    expect(inFile.json.msg).toMatch(/^parent_token: /);
  });

  test("rename changes the name, keeps the token, and refuses a taken name", async () => {
    const parent = await folder("rename");
    const token = await file("old.txt", parent);
    await file("other.txt", parent);
    clock += 5000;
    const renamed = await call(sandbox, "PUT", `${API}/files/${token}/name`, {
      json: { new_name: "new.txt" },
    });
    expect(renamed.json.data).toMatchObject({
      file_token: token,
      name: "new.txt",
      mtime: Math.floor(clock / 1000),
    });
    const taken = await call(sandbox, "PUT", `${API}/files/${token}/name`, {
      json: { new_name: "other.txt" },
    });
    expect(taken.json.code).toBe(40009);
    const unknown = await call(sandbox, "PUT", `${API}/files/nope/name`, { json: { new_name: "x" } });
    expect(unknown.json.code).toBe(40004);
  });
});

describe("destroy", () => {
  test("destroying a folder destroys its content for good", async () => {
    const parent = await folder("doomed");
    const child = await file("inside.txt", await folder("sub", parent));
    expect((await call(sandbox, "DELETE", `${API}/files/${parent}/destroy`)).json).toEqual({
      code: 0,
      data: {},
    });
    expect((await call(sandbox, "GET", `${API}/files/${child}`)).json.code).toBe(40004);
    expect((await call(sandbox, "GET", `${API}/files/${parent}`)).json.code).toBe(40004);
    expect((await call(sandbox, "DELETE", `${API}/files/${parent}/destroy`)).json.code).toBe(40004);
  });

  test("a modifier may be sent as JSON", async () => {
    const token = await file("with-modifier.txt", "0");
    const result = await call(sandbox, "DELETE", `${API}/files/${token}/destroy`, {
      json: { modifier: "u1" },
    });
    expect(result.json.code).toBe(0);
  });
});

describe("download address", () => {
  test("serves the bytes to a plain GET, ranges included, for one hour", async () => {
    const token = await file("download.txt", "0", "0123456789");
    const address = await call(sandbox, "GET", `${API}/files/${token}/download`);
    expect(address.json.data).toMatchObject({ size: 10, md5: "781e5e245d69b566979b86e28d23f2c7" });
    const response = await fetch(address.json.data.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("0123456789");
    const range = await fetch(address.json.data.url, { headers: { Range: "bytes=2-4" } });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe("234");

    clock += 61 * 60 * 1000;
    try {
      expect((await fetch(address.json.data.url)).status).toBe(404);
    } finally {
      clock -= 61 * 60 * 1000;
    }
  });

  test("an address handed out keeps its bytes when the file gets a new version", async () => {
    const token = await file("versioned-download.txt", "0", "first");
    const address = await call(sandbox, "GET", `${API}/files/${token}/download`);
    await upload(sandbox, [["file_token", token]], { filename: "ignored", content: Buffer.from("second") });
    expect(await (await fetch(address.json.data.url)).text()).toBe("first");
  });

  test("a folder has no download address (40001)", async () => {
    const result = await call(sandbox, "GET", `${API}/files/${await folder("no-download")}/download`);
    expect(result.json.code).toBe(40001);
  });
});
