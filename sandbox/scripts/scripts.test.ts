import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.ts";
import { upload, waitFor } from "../testing/wps2-client.ts";

const PERSONAL = "/api/v1/openapi/personal";

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

async function request(url: string, init?: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, json: await response.json() };
}

describe("sandbox: KDocs scripts", () => {
  let sandbox: Sandbox;
  let docId: string;
  let folderId: string;
  const token = () => sandbox.scriptsAccessToken;

  /** Sent like the vendor's curl example: JSON text without a JSON Content-Type. */
  const start = (fileId: string, body: unknown, accessToken: string | null = token()) =>
    request(
      `${sandbox.url}${PERSONAL}/files/${fileId}/script${accessToken === null ? "" : `?access_token=${accessToken}`}`,
      { method: "POST", body: JSON.stringify(body) },
    );
  const status = (taskId: string, accessToken = token()) =>
    request(
      `${sandbox.url}${PERSONAL}/script/status?access_token=${accessToken}&task_id=${encodeURIComponent(taskId)}`,
    );
  const run = async (script: string, fileId = docId) => {
    const started = await start(fileId, { script, script_name: "test" });
    expect(started.json).toMatchObject({ code: 0, data: { task_id: expect.any(String) } });
    return started.json.data.task_id as string;
  };
  const finished = (taskId: string) =>
    waitFor(async () => {
      const answer = await status(taskId);
      return answer.json.status === "finish" ? answer.json : undefined;
    });

  beforeAll(async () => {
    sandbox = await startSandbox();
    const app = { url: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey };
    docId = (await upload(app, [["parent_token", "0"]], { filename: "a.xlsx", content: Buffer.from("x") }))
      .json.data.file_token;
    const folder = await upload(app, [["parent_path", "Folder"]], {
      filename: "b.xlsx",
      content: Buffer.from("y"),
    });
    folderId = folder.json.data.parent_token;
  });
  afterAll(() => sandbox.close());

  it("answers each status poll with only the lines not answered before, as the seed shows", async () => {
    const taskId = await run('console.log("foo")\r\nTime.sleep(400)\r\nconsole.log("bar")');
    const first = await status(taskId);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ error: "", status: "running", data: { result: "" } });
    expect(first.json.data.logs.map((l: { args: unknown[] }) => l.args)).toEqual([["已开始执行"], ["foo"]]);
    expect(first.json.data.logs[1]).toMatchObject({
      filename: "test.ks:1:1",
      level: "info",
      unix_time: expect.any(Number),
      timestamp: expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
    });
    const last = await finished(taskId);
    expect(last).toMatchObject({ error: "", status: "finish", data: { result: "[Undefined]" } });
    expect(last.data.logs.map((l: { args: unknown[] }) => l.args)).toEqual([["bar"], ["执行完毕"]]);
    expect(last.data.logs[0].filename).toBe("test.ks:3:1");
    const after = await status(taskId);
    expect(after.json).toMatchObject({ status: "finish", data: { logs: [], result: "[Undefined]" } });
  });

  it("keeps a sheet per document: a value written by one script is read by the next", async () => {
    await finished(await run('Application.Range("A1").Value = "total: " + (40 + 2)'));
    expect(await finished(await run('Application.Range("A1").Text'))).toMatchObject({
      data: { result: "total: 42" },
    });
    const app = { url: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey };
    const other = (
      await upload(app, [["parent_token", "0"]], { filename: "c.xlsx", content: Buffer.from("z") })
    ).json.data.file_token;
    expect(await finished(await run('Application.Range("A1").Text', other))).toMatchObject({
      data: { result: "" },
    });
  });

  it("ends a script at an unknown statement with an error naming the line, after the lines before it ran", async () => {
    const answer = await finished(
      await run('console.log("one")\n\nfetch("http://example.com")\nconsole.log("two")'),
    );
    expect(answer.error).toBe('line 3: unsupported statement: fetch("http://example.com")');
    const texts = answer.data.logs.map((l: { args: unknown[] }) => l.args[0]);
    expect(texts).toContain("one");
    expect(texts).not.toContain("two");
    expect(answer.data.logs.at(-1)).toMatchObject({ level: "error", filename: "test.ks:3:1" });
  });

  it("a script that keeps doubling a cell ends at the value size cap, and the cell stays as it was before", async () => {
    const double =
      'Application.Range("B1").Value = Application.Range("B1").Text + Application.Range("B1").Text';
    const script = ['Application.Range("B1").Value = "0123456789abcdef"', ...Array<string>(22).fill(double)];
    const answer = await finished(await run(script.join("\n")));
    // 16 characters doubled 11 times would be 32,768.
    expect(answer.error).toBe("line 12: over the value size cap (32767 characters)");
    const cell = await finished(await run('Application.Range("B1").Text'));
    expect(cell.data.result).toHaveLength(16 * 2 ** 10);
  });

  it("a script past the statement or log size cap ends with the cap named", async () => {
    const statements = await finished(await run("1;".repeat(10_001)));
    expect(statements.error).toBe("line 1: over the statement cap (10000 per run)");

    const build = ['Application.Range("C1").Value = "0123456789abcdef"'];
    for (let i = 0; i < 10; i++)
      build.push(
        'Application.Range("C1").Value = Application.Range("C1").Text + Application.Range("C1").Text',
      );
    // Each line logs 32 KiB: the 33rd passes 1 MiB.
    const logs = Array<string>(40).fill(
      'console.log(Application.Range("C1").Text, Application.Range("C1").Text)',
    );
    const logged = await finished(await run([...build, ...logs].join("\n")));
    expect(logged.error).toBe(`line ${build.length + 33}: over the log size cap (1048576 bytes per run)`);
  });

  it("refuses a missing or wrong access_token with the vendor envelope", async () => {
    expect(await start(docId, { script: "1" }, null)).toEqual({
      status: 401,
      json: { code: 30006, msg: "access_token is missing" },
    });
    expect(await start(docId, { script: "1" }, "nope")).toEqual({
      status: 401,
      json: { code: 30006, msg: "access_token is invalid or expired" },
    });
    const taskId = await run("1");
    expect((await status(taskId, "nope")).json).toEqual({
      code: 30006,
      msg: "access_token is invalid or expired",
    });
  });

  it("needs the task id URL-encoded, and names bad documents and bodies", async () => {
    const taskId = await run("1");
    expect(taskId).toMatch(/%3D%3D$/);
    const raw = await request(
      `${sandbox.url}${PERSONAL}/script/status?access_token=${token()}&task_id=${taskId}`,
    );
    expect(raw).toMatchObject({ status: 404, json: { code: 40004 } });
    expect(await start("no-such-file", { script: "1" })).toMatchObject({
      status: 404,
      json: { code: 40004 },
    });
    expect(await start(folderId, { script: "1" })).toMatchObject({
      status: 400,
      json: { code: 40001, msg: "file_id: a folder cannot run a script" },
    });
    expect(await start(docId, { script: "" })).toMatchObject({ status: 400, json: { code: 40001 } });
    expect(
      await request(`${sandbox.url}${PERSONAL}/files/${docId}/script?access_token=${token()}`, {
        method: "POST",
        body: "{not json",
      }),
    ).toMatchObject({ status: 400, json: { code: 40001, msg: "body: is not valid JSON" } });
  });

  it("keeps its token across restarts and ends a script the restart interrupted", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "docsync-scripts-"));
    try {
      const first = await startSandbox({ dataDir });
      const app = { url: first.url, appId: first.appId, appKey: first.appKey };
      const doc = (
        await upload(app, [["parent_token", "0"]], { filename: "d.xlsx", content: Buffer.from("d") })
      ).json.data.file_token;
      const started = await request(
        `${first.url}${PERSONAL}/files/${doc}/script?access_token=${first.scriptsAccessToken}`,
        {
          method: "POST",
          body: JSON.stringify({ script: "Time.sleep(60000)" }),
        },
      );
      const taskId = started.json.data.task_id as string;
      await first.close();
      const second = await startSandbox({ dataDir });
      try {
        expect(second.scriptsAccessToken).toBe(first.scriptsAccessToken);
        const answer = await request(
          `${second.url}${PERSONAL}/script/status?access_token=${second.scriptsAccessToken}&task_id=${encodeURIComponent(taskId)}`,
        );
        expect(answer.json).toMatchObject({
          status: "finish",
          error: "the server stopped while the script ran",
        });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
