import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "./server.ts";
import { API, call, upload, waitFor } from "./testing/wps2-client.ts";

const ITEMS_PER_SECOND = 100;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ moveItemsPerSecond: ITEMS_PER_SECOND });
});
afterAll(() => sandbox.close());

async function folder(name: string, parent = "0"): Promise<string> {
  const result = await call(sandbox, "POST", `${API}/folders`, { json: { name, parent_token: parent } });
  return result.json.data.file_token;
}

async function files(parent: string, count: number, prefix = "f"): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = await upload(sandbox, [["parent_token", parent]], {
      filename: `${prefix}${i}.txt`,
      content: Buffer.from(String(i)),
    });
    tokens.push(result.json.data.file_token);
  }
  return tokens;
}

const move = (file_tokens: string[], parent_token: string) =>
  call(sandbox, "POST", `${API}/tasks/files/move`, { json: { file_tokens, parent_token } });

const listNames = async (parent: string) =>
  (await call(sandbox, "GET", `${API}/files?parent_token=${parent}&count=500`)).json.data.files.map(
    (f: { name: string }) => f.name,
  );

async function finished(taskId: string) {
  return waitFor(async () => {
    const result = await call(sandbox, "GET", `${API}/tasks/${taskId}`);
    return result.json.data.status === "processing" ? undefined : result.json.data;
  });
}

describe("batch move", () => {
  test("up to 10 items that all succeed move at once with an empty task_id", async () => {
    const from = await folder("small-from");
    const to = await folder("small-to");
    const tokens = await files(from, 3);
    const result = await move(tokens, to);
    expect(result.json).toEqual({ code: 0, data: { task_id: "" } });
    expect(await listNames(to)).toEqual(["f0.txt", "f1.txt", "f2.txt"]);
    expect(await listNames(from)).toEqual([]);
  });

  test("more items become a task that moves at the configured pace, progress visible", async () => {
    const from = await folder("large-from");
    const to = await folder("large-to");
    const tokens = await files(from, 30);
    const started = performance.now();
    const result = await move(tokens, to);
    const taskId = result.json.data.task_id;
    expect(taskId).not.toBe("");
    const midway = await waitFor(async () => {
      const task = (await call(sandbox, "GET", `${API}/tasks/${taskId}`)).json.data;
      return task.progress.current > 0 && task.progress.current < 30 ? task : undefined;
    });
    expect(midway).toMatchObject({
      task_id: taskId,
      type: "move",
      status: "processing",
      progress: { total: 30 },
    });
    const done = await finished(taskId);
    expect(performance.now() - started).toBeGreaterThanOrEqual((29 / ITEMS_PER_SECOND) * 1000);
    expect(done.status).toBe("success");
    expect(done.progress).toEqual({ current: 30, total: 30 });
    expect(done.results.every((r: { code: number }) => r.code === 0)).toBe(true);
    expect(await listNames(to)).toHaveLength(30);
  });

  test("unknown tokens and taken names fail per item: the task ends partial", async () => {
    const from = await folder("partial-from");
    const to = await folder("partial-to");
    const [a, b] = await files(from, 2);
    await upload(sandbox, [["parent_token", to]], { filename: "f1.txt", content: Buffer.from("x") });
    const result = await move([a!, b!, "no-such-token"], to);
    const taskId = result.json.data.task_id;
    expect(taskId).not.toBe("");
    const done = await finished(taskId);
    expect(done.status).toBe("partial");
    expect(done.results).toEqual([
      { file_token: a, code: 0, msg: "ok" },
      { file_token: b, code: 40009, msg: expect.stringContaining("f1.txt") },
      { file_token: "no-such-token", code: 40004, msg: expect.any(String) },
    ]);
    expect(await listNames(from)).toEqual(["f1.txt"]);
  });

  test("a task whose items all fail ends failed", async () => {
    const to = await folder("failed-to");
    const done = await finished((await move(["ghost-1", "ghost-2"], to)).json.data.task_id);
    expect(done.status).toBe("failed");
    expect(done.results.map((r: { code: number }) => r.code)).toEqual([40004, 40004]);
  });

  test("the rules of the whole request reject it outright", async () => {
    const one = await folder("rules-one");
    const two = await folder("rules-two");
    const [inOne] = await files(one, 1);
    const [inTwo] = await files(two, 1);
    const child = await folder("child", one);

    const twoFolders = await move([inOne!, inTwo!], child);
    expect(twoFolders.json).toMatchObject({ code: 40009, msg: expect.stringMatching(/^file_tokens: /) });
    const sameFolder = await move([inOne!], one);
    expect(sameFolder.json.code).toBe(40009);
    const intoItself = await move([one], one);
    expect(intoItself.json.code).toBe(40009);
    const belowItself = await move([one], child);
    expect(belowItself.status).toBe(409);
    expect(belowItself.json.msg).toContain("itself");
    expect((await move([], two)).json).toMatchObject({
      code: 40001,
      msg: expect.stringMatching(/^file_tokens: /),
    });
    const tooMany = Array.from({ length: 101 }, (_, i) => `t${i}`);
    expect((await move(tooMany, two)).json.code).toBe(40001);
    expect((await move([inOne!, inOne!], two)).json.code).toBe(40001);
    expect((await move([inOne!], "no-such-folder")).json.code).toBe(40004);
    expect((await call(sandbox, "GET", `${API}/tasks/no-such-task`)).json.code).toBe(40004);
    expect(await listNames(one)).toContain("f0.txt");
  });
});
