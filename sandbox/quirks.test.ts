/** The local cloud told to answer outside docsync's contract, seen from a plain HTTP client. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { CONTROL_TOKEN_HEADER, startSandbox, type Sandbox } from "./server.ts";
import { API, call, upload, waitFor } from "./testing/wps2-client.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const control = async (quirks: unknown) =>
  (await fetch(`${sandbox.url}/__sandbox/quirks`, {
    method: "POST",
    headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sandbox.controlToken },
    body: JSON.stringify(quirks),
  })) as Response;

test("the quirks are set and read over the control route; a bad one is refused", async () => {
  expect(await (await control({ unfamiliarAnswers: true })).json()).toEqual({
    code: 0,
    data: { unfamiliarAnswers: true },
  });
  expect((await control({ sideways: true })).status).toBe(400);
  const read = await fetch(`${sandbox.url}/__sandbox/quirks`, {
    headers: { [CONTROL_TOKEN_HEADER]: sandbox.controlToken },
  });
  expect(await read.json()).toEqual({
    code: 0,
    data: { unfamiliarAnswers: true },
  });
  await control({});
});

test("unfamiliar answers: a small move is a task whose first answer has an unknown word and no progress", async () => {
  sandbox.setQuirks({ unfamiliarAnswers: true });
  try {
    const folder = await call(sandbox, "POST", `${API}/folders`, { json: { name: "q-from" } });
    const target = await call(sandbox, "POST", `${API}/folders`, { json: { name: "q-to" } });
    const file = await upload(sandbox, [["parent_token", folder.json.data.file_token]], {
      filename: "q.txt",
      content: Buffer.from("q"),
    });
    const moved = await call(sandbox, "POST", `${API}/tasks/files/move`, {
      json: { file_tokens: [file.json.data.file_token], parent_token: target.json.data.file_token },
    });
    const taskId = moved.json.data.task_id as string;
    expect(taskId).not.toBe("");
    const first = await call(sandbox, "GET", `${API}/tasks/${taskId}`);
    expect(first.json.data).toMatchObject({ status: "running", trace_id: expect.any(String) });
    expect(first.json.data.progress).toBeUndefined();
    const last = await waitFor(async () => {
      const answer = await call(sandbox, "GET", `${API}/tasks/${taskId}`);
      return answer.json.data.status === "success" ? answer.json.data : undefined;
    });
    expect(last).toMatchObject({ progress: { current: 1, total: 1 }, trace_id: expect.any(String) });

    const koodrive = await fetch(`${sandbox.url}/koodrive/ose/v1/files/0`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await sandbox.koodriveToken()}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ parentFileId: "root" }),
    });
    expect(((await koodrive.json()) as { code: unknown }).code).toBe("0");
  } finally {
    sandbox.setQuirks({});
  }
});

test("ignoring what the async upload page does not list: file_token is dropped, a new file is made", async () => {
  const folder = await call(sandbox, "POST", `${API}/folders`, { json: { name: "q-import" } });
  const parent = folder.json.data.file_token as string;
  const old = await upload(sandbox, [["parent_token", parent]], {
    filename: "r.txt",
    content: Buffer.from("1"),
  });
  const { url } = (await call(sandbox, "GET", `${API}/files/${old.json.data.file_token}/download`)).json.data;
  const body = { url, filename: "r-new.txt", parent_token: parent, file_token: old.json.data.file_token };
  const settle = async (taskId: string) =>
    waitFor(async () => {
      const answer = (await call(sandbox, "GET", `${API}/file/async/upload/${taskId}`)).json.data;
      return answer.status === "processing" ? undefined : answer;
    });

  // As the contract has it, a new version of the file (its parent_token may come along).
  const honoured = await call(sandbox, "POST", `${API}/file/async/upload`, { json: body });
  expect(await settle(honoured.json.data.task_id)).toMatchObject({ file_token: old.json.data.file_token });

  sandbox.setQuirks({ ignoreUndocumented: true });
  try {
    const ignored = await call(sandbox, "POST", `${API}/file/async/upload`, { json: body });
    const done = await settle(ignored.json.data.task_id);
    expect(done.file_token).not.toBe(old.json.data.file_token);
    const listing = await call(sandbox, "GET", `${API}/files?parent_token=${parent}`);
    expect(listing.json.data.files.map((f: { name: string }) => f.name)).toEqual(["r-new.txt", "r.txt"]);
  } finally {
    sandbox.setQuirks({});
  }
});
