import { afterAll, beforeAll, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "./server.ts";
import { API, call, multipart, type CallOptions } from "./testing/wps2-client.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const file = multipart([], { filename: "a.txt", content: Buffer.from("a") });
const withoutFilename = Buffer.from(file.body.toString().replace('; filename="a.txt"', ""));

const cases: [string, string, string, CallOptions, string][] = [
  ["JSON that is not an object", "POST", `${API}/folders`, { json: [] }, "body"],
  ["a number for a name", "POST", `${API}/folders`, { json: { name: 5 } }, "name"],
  ["a control character in a name", "POST", `${API}/folders`, { json: { name: "a\u0001" } }, "name"],
  ["broken JSON", "PUT", `${API}/files/0/name`, { body: Buffer.from('{"new_name":') }, "body"],
  ["renaming the root", "PUT", `${API}/files/0/name`, { json: { new_name: "root" } }, "file_token"],
  ["destroying the root", "DELETE", `${API}/files/0/destroy`, {}, "file_token"],
  [
    "a modifier that is not a string",
    "DELETE",
    `${API}/files/x/destroy`,
    { json: { modifier: 1 } },
    "modifier",
  ],
  [
    "a text body for a JSON endpoint",
    "POST",
    `${API}/folders`,
    { body: Buffer.from("name=x"), contentType: "text/plain" },
    "Content-Type",
  ],
  [
    "tokens that are not strings",
    "POST",
    `${API}/tasks/files/move`,
    { json: { file_tokens: [1], parent_token: "0" } },
    "file_tokens.0",
  ],
  [
    "a parent_path that is not a list",
    "POST",
    `${API}/file/async/upload`,
    { json: { url: "http://127.0.0.1/x", filename: "a", parent_path: "x" } },
    "parent_path",
  ],
  [
    "an empty parent_path segment",
    "POST",
    `${API}/file/async/upload`,
    { json: { url: "http://127.0.0.1/x", filename: "a", parent_path: [""] } },
    "parent_path",
  ],
  ["a repeated query parameter", "GET", `${API}/files?count=1&count=2`, {}, "count"],
  ["a bad escape in the path", "GET", `${API}/files/%zz`, {}, "request"],
  [
    "a file part without a filename",
    "POST",
    `${API}/files/upload`,
    { body: withoutFilename, contentType: file.contentType },
    "file",
  ],
  [
    "a truncated multipart body",
    "POST",
    `${API}/files/upload`,
    { body: file.body.subarray(0, 50), contentType: file.contentType },
    "body",
  ],
];

test.each(cases)("%s answers 400 / 40001 naming the field", async (_label, method, path, options, field) => {
  const result = await call(sandbox, method, path, options);
  expect(result.status).toBe(400);
  expect(result.json.code).toBe(40001);
  expect(result.json.msg.startsWith(`${field}: `)).toBe(true);
});

test("an unknown endpoint answers 404 / 40004 naming it", async () => {
  const result = await call(sandbox, "GET", `${API}/nothing-here`);
  expect(result.json).toEqual({ code: 40004, msg: `no endpoint GET ${API}/nothing-here` });
});
