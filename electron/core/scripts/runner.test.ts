import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../../sandbox/server.ts";
import { upload } from "../../../sandbox/testing/wps2-client.ts";
import { CloudError } from "../cloud/errors.ts";
import { KdocsScriptClient } from "../cloud/kdocs/scripts.ts";
import type { FetchLike } from "../cloud/http/transport.ts";
import { IpcFailure } from "../ipc-error.ts";
import { openJournal, type Journal } from "../journal/index.ts";
import { isFinalState } from "../../../shared/model.ts";
import { createJobRunner, createTaskPoller, createTaskRegistry, type JobRunner } from "../tasks/index.ts";
import type { TaskRegistry } from "../tasks/types.ts";
import { tempDir, waitFor } from "../../../testing/harness.ts";
import {
  createScriptRunner,
  RESULT_LEVEL,
  type ScriptClient,
  type ScriptRunner,
  type ScriptRunnerDeps,
} from "./index.ts";

const STATUS = "GET /api/v1/openapi/personal/script/status";

/** Six lines, 300 ms apart: about 1.5 s of logging, seen over several polls. */
const SIX_LINES = Array.from({ length: 6 }, (_, i) =>
  i === 3 ? `console.warn("line ${i + 1}")` : `console.log("line ${i + 1}")`,
).join("\nTime.sleep(300)\n");

describe("script tasks", () => {
  let sandbox: Sandbox;
  let docId: string;
  const dir = tempDir("docsync-scripts-");
  const open: { journal: Journal; registry: TaskRegistry; jobs: JobRunner; runner: ScriptRunner }[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox();
    const app = { url: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey };
    const uploaded = await upload(app, [["parent_token", "0"]], {
      filename: "report.xlsx",
      content: Buffer.from("x"),
    });
    docId = uploaded.json.data.file_token;
  });
  afterAll(async () => {
    await sandbox.close();
    dir.remove();
  });
  afterEach(async () => {
    for (const { journal, registry, jobs } of open.splice(0)) {
      await jobs.stop();
      registry.close();
      journal.close();
    }
  });

  const access = () => ({ baseUrl: sandbox.url, accessToken: sandbox.scriptsAccessToken });
  function start(file: string, deps: Partial<ScriptRunnerDeps> = {}) {
    const journal = openJournal(join(dir.path, file));
    const registry = createTaskRegistry({ journal });
    const poller = createTaskPoller({
      providerFor: () => {
        throw new Error("scripts are not polled through a provider");
      },
    });
    const jobs = createJobRunner({ registry, poller });
    const runner = createScriptRunner({
      runner: jobs,
      access,
      firstDelayMs: 100,
      minIntervalMs: 300,
      maxIntervalMs: 1_000,
      onError: (error) => {
        throw error;
      },
      ...deps,
    });
    const opened = { journal, registry, jobs, runner };
    open.push(opened);
    return opened;
  }
  const finished = (registry: TaskRegistry, taskId: string) =>
    waitFor(() => {
      const task = registry.get(taskId);
      return task && isFinalState(task.state) ? task : undefined;
    }, "the script task to end");
  const texts = (log: { text: string }[] | undefined) => (log ?? []).map((l) => l.text);
  const numbered = (log: { text: string }[] | undefined) => texts(log).filter((t) => t.startsWith("line "));
  const SIX = ["line 1", "line 2", "line 3", "line 4", "line 5", "line 6"];

  it("streams every line exactly once and in order across several polls, and ends with the result", async () => {
    const { registry, runner } = start("stream.db");
    sandbox.resetStats();
    const batches: string[][] = [];
    runner.onLog((_taskId, lines) => batches.push(texts(lines)));
    const { taskId } = await runner.run({
      accountId: "a",
      fileId: docId,
      script: `${SIX_LINES}\nApplication.Range("A1").Value = "done"`,
      name: "fill",
    });
    const task = await finished(registry, taskId);
    expect(task).toMatchObject({ state: "succeeded", kind: "script", title: 'Script "fill" on ' + docId });
    expect(numbered(task.log)).toEqual(SIX);
    expect(task.log!.find((l) => l.text === "line 4")!.level).toBe("warn");
    expect(task.log!.at(-1)).toMatchObject({ level: RESULT_LEVEL, text: "done" });
    const times = task.log!.map((l) => l.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The lines came in over several polls, each poll bringing only new ones.
    const withLines = batches.filter((b) => b.some((t) => t.startsWith("line ")));
    expect(withLines.length).toBeGreaterThanOrEqual(3);
    expect(batches.flat().filter((t) => t.startsWith("line "))).toEqual(SIX);
    expect(sandbox.stats()[STATUS]).toBeLessThanOrEqual(10);
  });

  it("fails the task with the script's error, which names the line", async () => {
    const { registry, runner } = start("error.db");
    const { taskId } = await runner.run({
      accountId: "a",
      fileId: docId,
      script: 'console.log("before")\nsheet.clear()\nconsole.log("after")',
    });
    const task = await finished(registry, taskId);
    expect(task.state).toBe("failed");
    expect(task.error).toBe("The script failed: line 2: unsupported statement: sheet.clear()");
    expect(texts(task.log)).toContain("before");
    expect(texts(task.log)).not.toContain("after");
    expect(task.log!.at(-1)).toMatchObject({ level: "error" });
  });

  it("refuses a run without a token, or with a wrong one, in words that say so", async () => {
    const missing = start("missing.db", {
      access: () => {
        throw new IpcFailure("credentials", 'The account "Work" has no user access token; scripts need one.');
      },
    });
    await expect(missing.runner.run({ accountId: "a", fileId: docId, script: "1" })).rejects.toThrow(
      /no user access token/,
    );
    expect(missing.registry.snapshot().tasks).toEqual([]);

    const wrong = start("wrong.db", { access: () => ({ ...access(), accessToken: "not-the-token" }) });
    const error = await wrong.runner.run({ accountId: "a", fileId: docId, script: "1" }).catch((e) => e);
    expect(error).toBeInstanceOf(CloudError);
    expect(error).toMatchObject({ kind: "credentials", code: 30006 });
    const [task] = wrong.registry.snapshot().tasks;
    expect(task).toMatchObject({ state: "failed" });
    expect(task!.error).toMatch(/^The credentials were refused: KDocs refused the user access token/);
  });

  it("goes on after a restart in the middle of a run, without a line twice", async () => {
    const first = start("restart.db");
    const { taskId } = await first.runner.run({ accountId: "a", fileId: docId, script: SIX_LINES });
    await waitFor(
      () => numbered(first.registry.get(taskId)?.log).length >= 2,
      "two lines before the restart",
    );
    open.splice(open.indexOf(first), 1);
    await first.jobs.stop();
    first.registry.close();
    first.journal.close();

    const second = start("restart.db");
    expect(numbered(second.registry.get(taskId)?.log).length).toBeGreaterThanOrEqual(2);
    second.jobs.resumeUnfinished();
    const task = await finished(second.registry, taskId);
    expect(task.state).toBe("succeeded");
    expect(numbered(task.log)).toEqual(SIX);
    expect(task.log!.some((l) => l.level === "warn" && l.text.startsWith("Log lines may be missing"))).toBe(
      false,
    );
  });

  it("marks where lines may be missing when a status answer is lost on its way back", async () => {
    let statusCalls = 0;
    const losesSecondAnswer: FetchLike = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).includes("/script/status") && ++statusCalls === 2) {
        await response.arrayBuffer();
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }),
        });
      }
      return response;
    };
    const { registry, runner } = start("lost.db", {
      makeClient: (a) => new KdocsScriptClient({ ...a, fetchImpl: losesSecondAnswer }),
    });
    const { taskId } = await runner.run({ accountId: "a", fileId: docId, script: SIX_LINES });
    const task = await finished(registry, taskId);
    expect(task.state).toBe("succeeded");
    const lines = numbered(task.log);
    // No line twice, the order kept, and the gap shown where the lost answer's lines would have been.
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines).toEqual(SIX.filter((l) => lines.includes(l)));
    const marker = texts(task.log).findIndex((t) => t.startsWith("Log lines may be missing here"));
    expect(marker).toBeGreaterThan(0);
    expect(task.log![marker]!.level).toBe("warn");
  });

  it("marks the gap at the next start when a shutdown had to cut a status call", async () => {
    let asked = false;
    const hangs: ScriptClient = {
      start: async () => "ID1",
      status: (_id, signal) => {
        asked = true;
        return new Promise((_resolve, reject) =>
          signal?.addEventListener("abort", () => reject(new CloudError("cancelled", "cut")), { once: true }),
        );
      },
    };
    const first = start("cut.db", { makeClient: () => hangs, stopGraceMs: 50 });
    const { taskId } = await first.runner.run({ accountId: "a", fileId: docId, script: "1" });
    await waitFor(() => asked, "the first status call");
    open.splice(open.indexOf(first), 1);
    await first.jobs.stop();
    first.registry.close();
    first.journal.close();

    const answers: ScriptClient = {
      start: async () => "ID1",
      status: async () => ({
        state: "finished",
        logs: [{ level: "info", text: "after", time: Date.now(), source: "script.ks:1:1" }],
        result: "ok",
      }),
    };
    const second = start("cut.db", { makeClient: () => answers });
    second.jobs.resumeUnfinished();
    const task = await finished(second.registry, taskId);
    expect(task.state).toBe("succeeded");
    expect(task.log!.map((l) => [l.level, l.text])).toEqual([
      ["warn", "Log lines may be missing here: docsync stopped while a status answer was on its way."],
      ["info", "after"],
      [RESULT_LEVEL, "ok"],
    ]);
  });
});
