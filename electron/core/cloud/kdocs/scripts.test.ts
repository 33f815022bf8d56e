import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../../../sandbox/server.ts";
import { upload } from "../../../../sandbox/testing/wps2-client.ts";
import { CloudError } from "../errors.ts";
import { isNetworkFailure, type FetchLike } from "../http/transport.ts";
import type { NoticeSink, ServiceNotice } from "../notices.ts";
import { KdocsScriptClient, type ScriptStatus } from "./scripts.ts";

describe("KDocs script calls", () => {
  let sandbox: Sandbox;
  let docId: string;
  const noWait = { sleep: async () => {} };

  beforeAll(async () => {
    sandbox = await startSandbox();
    const app = { url: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey };
    docId = (await upload(app, [["parent_token", "0"]], { filename: "s.xlsx", content: Buffer.from("s") }))
      .json.data.file_token;
  });
  afterAll(() => sandbox.close());

  const client = (options: { fetchImpl?: FetchLike; accessToken?: string; onNotice?: NoticeSink } = {}) =>
    new KdocsScriptClient({
      baseUrl: sandbox.url,
      accessToken: sandbox.scriptsAccessToken,
      retry: noWait,
      ...options,
    });
  const untilFinished = async (c: KdocsScriptClient, taskId: string) => {
    const seen: ScriptStatus[] = [];
    for (let i = 0; i < 200; i++) {
      const status = await c.status(taskId);
      seen.push(status);
      if (status.state === "finished") return seen;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the script did not finish");
  };

  it("starts a script and reads its log and result, passing the encoded task id as asked", async () => {
    const c = client();
    const taskId = await c.start(
      docId,
      'console.log("foo", 42)\r\nTime.sleep(200)\r\nconsole.log("bar")\r\n"b" + "ar"',
      "test",
    );
    expect(taskId).toContain("%3D");
    const seen = await untilFinished(c, taskId);
    const logs = seen.flatMap((s) => s.logs);
    expect(logs.map((l) => l.text)).toEqual(["已开始执行", "foo 42", "bar", "执行完毕"]);
    expect(logs[1]).toMatchObject({ level: "info", source: "test.ks:1:1" });
    // `unix_time` in seconds, refined by the milliseconds of `timestamp`.
    expect(logs.every((l) => Math.abs(l.time - Date.now()) < 10_000)).toBe(true);
    expect(logs.some((l) => l.time % 1000 !== 0)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ state: "finished", result: "bar" });
    expect(seen.at(-1)!.error).toBeUndefined();
    expect(await c.status(taskId)).toEqual({ state: "finished", logs: [], result: "bar" });
  });

  it("retries an answered server fault, but not a request that may have arrived", async () => {
    let calls = 0;
    const failsOnce =
      (how: "answer" | "drop"): FetchLike =>
      async (input, init) => {
        calls += 1;
        if (calls === 1 && String(input).includes("/script/status")) {
          if (how === "answer")
            return new Response(JSON.stringify({ code: 50000, msg: "busy" }), { status: 500 });
          throw new TypeError("fetch failed", {
            cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }),
          });
        }
        return fetch(input, init);
      };
    const taskId = await client().start(docId, "1");

    calls = 0;
    const answered = client({ fetchImpl: failsOnce("answer") });
    expect((await untilFinished(answered, taskId)).at(-1)).toMatchObject({ state: "finished", result: "1" });
    expect(calls).toBeGreaterThanOrEqual(2);

    calls = 0;
    const dropped = client({ fetchImpl: failsOnce("drop") });
    const error = await dropped.status(taskId).catch((e: unknown) => e);
    expect(isNetworkFailure(error)).toBe(true);
    expect(calls).toBe(1);
  });

  it("reports a refused token, an unknown task and a script error clearly", async () => {
    const wrong = client({ accessToken: "wrong" });
    await expect(wrong.start(docId, "1")).rejects.toMatchObject({
      kind: "credentials",
      code: 30006,
      message: "KDocs refused the user access token (access_token is invalid or expired)",
    });
    const taskId = await client().start(docId, "nonsense here");
    await expect(wrong.status(taskId)).rejects.toMatchObject({ kind: "credentials", code: 30006 });
    await expect(client().status("IDnothing")).rejects.toMatchObject({ kind: "not-found" });
    await expect(client().start("missing-doc", "1")).rejects.toMatchObject({ kind: "not-found" });
    const last = (await untilFinished(client(), taskId)).at(-1)!;
    expect(last.error).toBe("line 1: unsupported statement: nonsense here");
    expect(() => new KdocsScriptClient({ baseUrl: sandbox.url, accessToken: "" })).toThrow(CloudError);
  });

  it("takes code 0 or none as a normal answer; only a non-zero code is an error", async () => {
    const answering = (body: unknown, status = 200) =>
      client({ fetchImpl: async () => new Response(JSON.stringify(body), { status }) });
    const line = { args: ["hi"], filename: "a.ks:1:1", level: "info", unix_time: 1667462203 };
    for (const head of [{}, { code: 0 }]) {
      await expect(
        answering({ ...head, error: "", status: "finish", data: { logs: [line], result: "42" } }).status(
          "ID1",
        ),
      ).resolves.toMatchObject({ state: "finished", result: "42", logs: [{ text: "hi" }] });
    }
    await expect(answering({ code: 40004, msg: "no such task" }, 404).status("ID1")).rejects.toMatchObject({
      kind: "not-found",
    });
    await expect(answering({ code: 50000, msg: "fault" }, 200).status("ID1")).rejects.toMatchObject({
      kind: "transient",
    });
  });

  it("keeps an unknown status word running, with that poll's log lines, and says the word once", async () => {
    const notices: ServiceNotice[] = [];
    const line = { args: ["queued line"], filename: "system", level: "info", unix_time: 1667462203 };
    const odd = client({
      onNotice: (notice) => notices.push(notice),
      fetchImpl: async () =>
        new Response(JSON.stringify({ code: 0, status: "queued", data: { logs: [line] } }), { status: 200 }),
    });
    const status = await odd.status("ID1");
    expect(status).toMatchObject({
      state: "running",
      unknownStatus: "queued",
      logs: [{ text: "queued line" }],
    });
    expect(notices).toEqual([
      expect.objectContaining({ kind: "unknown-value", field: "status", value: "queued" }),
    ]);
  });

  it("calls an answer outside the contract a protocol error", async () => {
    const odd = client({
      fetchImpl: async () => new Response(JSON.stringify({ error: "", data: {} }), { status: 200 }),
    });
    await expect(odd.status("ID1")).rejects.toMatchObject({ kind: "protocol" });
    const html = client({ fetchImpl: async () => new Response("<html>", { status: 401 }) });
    await expect(html.status("ID1")).rejects.toMatchObject({ kind: "credentials" });
  });
});
