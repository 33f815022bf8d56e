import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AccountCheck } from "../../shared/model.ts";
import {
  lastLine,
  runCliProcess,
  useCliWorld,
  addWorkArgs,
  type CliWorld,
} from "../../testing/cli-harness.ts";

/** A KDocs account "Work" with the local cloud's OST settings and user access token. */
async function addFullWork({ home, sandbox }: CliWorld) {
  const ost = [
    ...["--ost-base-url", sandbox.url, "--ost-app-id", sandbox.ost.appId],
    ...["--ost-api-key", sandbox.ost.apiKey, `--ost-api-secret=${sandbox.ost.apiSecret}`],
  ];
  expect(await runCliProcess(home, ...addWorkArgs(sandbox), ...ost)).toMatchObject({ code: 0 });
  const token = ["account", "set", "Work", "--access-token", sandbox.scriptsAccessToken];
  expect(await runCliProcess(home, ...token)).toMatchObject({ code: 0 });
}

/** The steps every account's check runs, in order, before the ones only its service has. */
const COMMON = ["sign and list", "create a folder", "upload small files", "batch move of two files"];
const LAST = "remove the folder and its files";

const steps = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => /^(ok|FAILED|skipped)\t/.test(line))
    .map((line) => line.split(":")[0]);

describe("cli: account check", () => {
  const world = useCliWorld("test");

  it("runs every step against a service that answers as the contract says, and writes the report", async () => {
    await addFullWork(world);
    const out = join(world.root, "report.json");
    const checked = await runCliProcess(world.home, "account", "check", "Work", "--out", out);
    expect(checked).toMatchObject({ code: 0, stderr: "" });
    const kdocs = [...COMMON, "async upload of a staged file", "script status", LAST];
    expect(steps(checked.stdout)).toEqual(kdocs.map((name) => `ok\t${name}`));
    expect(checked.stdout).not.toContain("differs:");
    expect(checked.stdout).toContain("the account works with Work; every answer was as the contract says");
    expect(lastLine(checked.stdout)).toBe(`report: ${out}`);
    const report = AccountCheck.parse(JSON.parse(readFileSync(out, "utf8")));
    expect(report).toMatchObject({ ok: true, accountName: "Work", kind: "kdocs" });
    // Nothing the check made is left behind.
    const ls = await runCliProcess(world.home, "ls", "Work:/");
    expect(ls.stdout).not.toContain("docsync-check");
  });

  it("names every answer outside the contract, and still gets through, on a service that answers unfamiliar words", async () => {
    world.sandbox.setQuirks({ unfamiliarAnswers: true });
    try {
      await addFullWork(world);
      const checked = await runCliProcess(world.home, "account", "check", "Work", "--json");
      expect(checked).toMatchObject({ code: 0, stderr: "" });
      const report = AccountCheck.parse(JSON.parse(checked.stdout));
      expect(report.steps.map((s) => s.outcome)).toEqual(Array(7).fill("ok"));
      const differences = report.steps.flatMap((s) => s.differences.map((d) => `${s.name}: ${d.text}`));
      expect(differences).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^batch move .*GET \/appspace\/tasks\/\{task_id\} answered data\.status "running"/,
          ),
          expect.stringMatching(/^batch move .*without data\.progress/),
          expect.stringMatching(/^batch move .*does not list: data\.trace_id/),
          expect.stringMatching(/^async upload .*answered data\.status "queued"/),
          expect.stringMatching(/^script status: .*\/personal\/script\/status answered status "queued"/),
        ]),
      );
    } finally {
      world.sandbox.setQuirks({});
    }
  });

  it("checks a KooDrive account the same way, its job's unknown status included", async () => {
    world.sandbox.setQuirks({ unfamiliarAnswers: true });
    try {
      const token = await world.sandbox.koodriveToken();
      const add = ["account", "add", "koodrive", "--name", "Drive", "--base-url", world.sandbox.url];
      expect(await runCliProcess(world.home, ...add, "--token", token)).toMatchObject({ code: 0 });
      const checked = await runCliProcess(world.home, "account", "check", "Drive");
      expect(checked).toMatchObject({ code: 0, stderr: "" });
      expect(steps(checked.stdout)).toEqual([...COMMON, LAST].map((name) => `ok\t${name}`));
      expect(checked.stdout).toMatch(/differs: KooDrive GET \/\{jobId\} answered data\.jobInfo\.status "4"/);
    } finally {
      world.sandbox.setQuirks({});
    }
  });

  it("says which step failed, with exit 1, when the service refuses", async () => {
    await addFullWork(world);
    world.sandbox.setFaults({ errorRate: 1, pathPrefix: "/api/v1/openapi/appspace/folders" });
    try {
      const checked = await runCliProcess(
        world.home,
        "account",
        "check",
        "Work",
        "--out",
        join(world.root, "r.json"),
      );
      expect(checked.code).toBe(1);
      expect(steps(checked.stdout)).toEqual(["ok\tsign and list", "FAILED\tcreate a folder"]);
      expect(checked.stdout).toContain("the account does not work with Work");
    } finally {
      world.sandbox.setFaults(null);
    }
  });
});
