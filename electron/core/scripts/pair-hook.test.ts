/**
 * A sync pair's script rule, end to end: the engine uploads to the local cloud, the hook starts the
 * script on each matching upload, and the runner follows it to its end as a task of the pair.
 */
import { afterEach, expect, test } from "vitest";
import { isFinalState, type TaskView } from "../../../shared/model.ts";
import type { UploadedFile } from "../sync/types.ts";
import { waitFor } from "../../../testing/harness.ts";
import { startScenario, type Scenario } from "../../../testing/scenario.ts";
import { createPairScriptHook } from "./pair-hook.ts";
import { createScriptRunner, type ScriptRunner } from "./runner.ts";

let s: Scenario | undefined;
let runner: ScriptRunner | undefined;
let hook: ((upload: UploadedFile) => Promise<void>) | undefined;
afterEach(async () => {
  await s?.close();
  s = runner = hook = undefined;
});

const fill = { extensions: [".XLSX", "csv"], script: 'console.log("filled")\nTime.sleep(100)', name: "fill" };

/** An engine whose `onUploaded` is the hook of the scenario's current engine (wired again after each restart). */
async function start(): Promise<Scenario> {
  const sc = await startScenario({ engine: { onUploaded: (upload) => hook?.(upload) } });
  s = sc;
  wire(sc);
  return sc;
}

function wire(sc: Scenario): void {
  runner = createScriptRunner({
    runner: sc.t.runner,
    access: () => ({ baseUrl: sc.sandbox.url, accessToken: sc.sandbox.scriptsAccessToken }),
    firstDelayMs: 50,
    minIntervalMs: 50,
    maxIntervalMs: 200,
  });
  hook = createPairScriptHook({ journal: sc.t.journal, runner });
}

async function restart(sc: Scenario): Promise<void> {
  await sc.restart();
  wire(sc);
}

const scriptTasks = (sc: Scenario): TaskView[] =>
  sc.t.tasks.snapshot().tasks.filter((t) => t.kind === "script");

async function settledScripts(sc: Scenario, count: number): Promise<TaskView[]> {
  return waitFor(() => {
    const tasks = scriptTasks(sc);
    return tasks.length === count && tasks.every((t) => isFinalState(t.state)) ? tasks : undefined;
  }, `${count} finished script tasks`);
}

test("each uploaded document of the rule's extensions runs the script once, as a task of the pair", async () => {
  const sc = await start();
  const pair = await sc.addPair("/sheets");
  const view = await sc.t.engine.setPairScript(pair.id, fill);
  expect(view.script).toEqual({ extensions: ["xlsx", "csv"], name: "fill" });
  sc.write("q1.xlsx", "sheet one");
  sc.write("data/Q2.XLSX", "sheet two");
  sc.write("notes.txt", "not a sheet");

  expect(await sc.t.engine.syncOnce(pair.id)).toMatchObject({ uploaded: 3, failed: 0 });
  const tasks = await settledScripts(sc, 2);
  for (const task of tasks) {
    expect(task).toMatchObject({ state: "succeeded", pairId: pair.id, accountId: sc.accountId });
    expect(task.log?.map((l) => l.text)).toContain("filled");
  }
  // The runs were on the uploaded documents, linked to the task that uploaded them.
  const remote = await sc.remote("/sheets");
  const syncTask = sc.t.tasks.snapshot().tasks.find((t) => t.kind === "sync")!;
  const runs = sc.t.journal.scriptRuns(pair.id);
  expect(runs.map((r) => [r.path, r.remoteId, r.version, r.uploadTaskId]).sort()).toEqual(
    [
      ["data/Q2.XLSX", remote.get("data/Q2.XLSX")!.id, 1, syncTask.id],
      ["q1.xlsx", remote.get("q1.xlsx")!.id, 1, syncTask.id],
    ].sort(),
  );
  expect(runs.map((r) => r.taskId).sort()).toEqual(tasks.map((t) => t.id).sort());
  expect(tasks.map((t) => t.linkedTaskId)).toEqual([syncTask.id, syncTask.id]);

  // A restart runs nothing again; a new version of a sheet runs the script on it once more.
  await restart(sc);
  expect(await sc.t.engine.syncOnce()).toMatchObject({ uploaded: 0 });
  expect(scriptTasks(sc)).toHaveLength(2);
  sc.write("q1.xlsx", "sheet one, edited");
  expect(await sc.t.engine.syncOnce()).toMatchObject({ uploaded: 1 });
  await settledScripts(sc, 3);
  expect(
    sc.t.journal
      .scriptRuns(pair.id)
      .filter((r) => r.path === "q1.xlsx")
      .map((r) => r.version),
  ).toEqual([1, 2]);

  // Without the rule, uploads run nothing.
  expect((await sc.t.engine.setPairScript(pair.id, null)).script).toBeUndefined();
  sc.write("q3.xlsx", "sheet three");
  expect(await sc.t.engine.syncOnce()).toMatchObject({ uploaded: 1 });
  expect(scriptTasks(sc)).toHaveLength(3);
});

test("a crash before or after the hook ran: the next start runs each upload's script exactly once", async () => {
  const sc = await start();
  const pair = await sc.addPair("/crash");
  await sc.t.engine.setPairScript(pair.id, fill);
  sc.write("before.xlsx", "the process goes down before the hook got anywhere");
  sc.write("after.xlsx", "the process goes down after the hook started the script");
  const started = hook!;
  hook = (upload) =>
    upload.path === "after.xlsx" ? started(upload).then(() => new Promise(() => {})) : new Promise(() => {});
  expect(await sc.t.engine.syncOnce(pair.id)).toMatchObject({ uploaded: 2 });
  await settledScripts(sc, 1);

  await restart(sc);
  expect(await sc.t.engine.syncOnce()).toMatchObject({ uploaded: 0 });
  const tasks = await settledScripts(sc, 2);
  expect(tasks.every((t) => t.state === "succeeded" && t.pairId === pair.id)).toBe(true);
  expect(
    sc.t.journal
      .scriptRuns(pair.id)
      .map((r) => r.path)
      .sort(),
  ).toEqual(["after.xlsx", "before.xlsx"]);

  await restart(sc);
  await sc.t.engine.syncOnce();
  expect(sc.t.journal.uploadHooks()).toEqual([]);
  expect(scriptTasks(sc)).toHaveLength(2);
});

test("a run that cannot start is told in the activity log; the upload and the other files are not held up", async () => {
  const sc = await start();
  hook = createPairScriptHook({
    journal: sc.t.journal,
    runner: createScriptRunner({
      runner: sc.t.runner,
      access: () => {
        throw new Error('The account "sandbox" has no user access token, which scripts need.');
      },
    }),
  });
  const pair = await sc.addPair("/no-token");
  await sc.t.engine.setPairScript(pair.id, fill);
  sc.write("q1.xlsx", "sheet");
  sc.write("q2.csv", "a,b");
  expect(await sc.t.engine.syncOnce(pair.id)).toMatchObject({ uploaded: 2, failed: 0 });
  const warnings = await waitFor(() => {
    const found = sc.t.engine.activity().filter((e) => e.text.startsWith("The script for"));
    return found.length === 2 ? found : undefined;
  }, "two warnings");
  for (const warning of warnings) {
    expect(warning).toMatchObject({ level: "warn", pairId: pair.id });
    expect(warning.text).toMatch(/did not start: .*no user access token/);
  }
});

test("a script rule is checked when it is set", async () => {
  const sc = await start();
  const pair = await sc.addPair("/rules");
  await expect(sc.t.engine.setPairScript(pair.id, { extensions: [], script: "x" })).rejects.toThrow(
    /at least one file extension/,
  );
  await expect(sc.t.engine.setPairScript(pair.id, { extensions: ["a/b"], script: "x" })).rejects.toThrow(
    /not a file extension/,
  );
  await expect(sc.t.engine.setPairScript(pair.id, { extensions: ["xlsx"], script: "  " })).rejects.toThrow(
    /script is empty/,
  );
  await expect(sc.t.engine.setPairScript("nope", { extensions: ["xlsx"], script: "x" })).rejects.toThrow(
    /no sync pair/,
  );
  // A rule survives a restart.
  await sc.t.engine.setPairScript(pair.id, { extensions: ["tar.gz"], script: "x" });
  await restart(sc);
  expect(sc.t.engine.pairs()[0]!.script).toEqual({ extensions: ["tar.gz"] });
});
