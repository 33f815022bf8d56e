import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { upload } from "../../sandbox/testing/wps2-client.ts";
import { addWorkArgs, runCliProcess, useCliWorld } from "../../testing/cli-harness.ts";

describe("cli: script run", () => {
  const world = useCliWorld("file");
  const script = (name: string, text: string) => {
    const path = join(world.root, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    const { sandbox } = world;
    const app = { url: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey };
    await upload(app, [["parent_path", "Reports"]], { filename: "q1.xlsx", content: Buffer.from("q1") });
    expect((await runCliProcess(world.home, ...addWorkArgs(sandbox))).code).toBe(0);
  });

  it("says in one line that a token is missing or wrong, and how to set it", async () => {
    const { home } = world;
    const file = script("one.js", "1");
    const missing = await runCliProcess(home, "script", "run", "Work:/Reports/q1.xlsx", "--file", file);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'docsync: The account "Work" has no user access token, which scripts need. Set it with: account set Work --access-token TOKEN\n',
    );

    expect((await runCliProcess(home, "account", "set", "Work", "--access-token", "wrong-token")).code).toBe(
      0,
    );
    const wrong = await runCliProcess(home, "script", "run", "Work:/Reports/q1.xlsx", "--file", file);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^docsync: .*refused the user access token.* Set it with: account set Work --access-token TOKEN$/,
      ),
    ]);
  });

  it("streams the log with times and levels, then prints the result; a script error exits 1", async () => {
    const { home, sandbox } = world;
    const set = await runCliProcess(
      home,
      "account",
      "set",
      "Work",
      "--access-token",
      sandbox.scriptsAccessToken,
    );
    expect(set).toMatchObject({ code: 0, stderr: "" });
    expect(set.stdout).not.toContain(sandbox.scriptsAccessToken);

    const fill = script(
      "fill.js",
      [
        'console.log("filling")',
        "Time.sleep(300)",
        'Application.Range("A1").Value = 42',
        'console.warn("A1 is " + Application.Range("A1").Text)',
        "Time.sleep(300)",
        'Application.Range("A1").Value + 1',
      ].join("\n"),
    );
    const ran = await runCliProcess(
      home,
      "script",
      "run",
      "Work:/Reports/q1.xlsx",
      "--file",
      fill,
      "--name",
      "fill",
    );
    expect(ran.stderr).toBe("");
    expect(ran.code).toBe(0);
    const lines = ran.stdout.trim().split("\n");
    expect(lines.filter((l) => !l.startsWith("result:"))).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} \[info\] 已开始执行$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} \[info\] filling$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} \[warn\] A1 is 42$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} \[info\] 执行完毕$/),
    ]);
    expect(lines.at(-1)).toBe("result: 43");

    const broken = script("broken.js", 'console.log("ok")\nwhile (true) {}\n');
    const failed = await runCliProcess(home, "script", "run", "Work:/Reports/q1.xlsx", "--file", broken);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/\[info\] ok\n/);
    expect(failed.stderr).toBe(
      "docsync: The script failed: line 2: unsupported statement: while (true) {}\n",
    );
  });

  it("a pair's script runs on each uploaded document of its extensions, and sync --once waits for it", async () => {
    const { home, root, sandbox } = world;
    expect(
      (await runCliProcess(home, "account", "set", "Work", "--access-token", sandbox.scriptsAccessToken))
        .code,
    ).toBe(0);
    const local = join(root, "sheets");
    mkdirSync(local);
    const added = await runCliProcess(home, "pair", "add", local, "Work:/Sheets");
    expect(added.code).toBe(0);
    const pairId = /id (\S+)$/.exec(added.stdout.trim())![1]!;
    const rule = script("stamp.js", 'console.log("stamped")\nApplication.Range("B2").Value = 7');
    const set = await runCliProcess(
      home,
      "pair",
      "script",
      pairId,
      "--ext",
      "xlsx",
      "--file",
      rule,
      "--name",
      "stamp",
    );
    expect(set).toMatchObject({ code: 0, stderr: "" });
    expect(set.stdout).toContain("on each uploaded .xlsx document");

    writeFileSync(join(local, "budget.xlsx"), "sheet");
    writeFileSync(join(local, "notes.txt"), "not a sheet");
    const synced = await runCliProcess(home, "sync", "--once");
    expect(synced.stderr).toBe("");
    expect(synced.code).toBe(0);
    const lines = synced.stdout.trim().split("\n");
    expect(lines.filter((line) => line.includes("budget.xlsx"))).toEqual([expect.stringMatching(/: 7$/)]);
    expect(synced.stdout).not.toContain("notes.txt");
    expect(lines.at(-1)).toBe("synced: 2 uploaded, 0 moved, 0 renamed, 0 deleted, 0 unchanged, 0 failed");

    const off = await runCliProcess(home, "pair", "script", pairId, "--off");
    expect(off.code).toBe(0);
    writeFileSync(join(local, "budget.xlsx"), "sheet, edited");
    const again = await runCliProcess(home, "sync", "--once");
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("budget.xlsx:");
  });
});
