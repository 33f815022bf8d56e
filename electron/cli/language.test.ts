import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  addWorkArgs,
  collect,
  lastLine,
  lsNames,
  runCliProcess,
  spawnCli,
  useCliWorld,
} from "../../testing/cli-harness.ts";

describe("cli: the language of its messages", () => {
  const world = useCliWorld("test");
  const inChinese = (...args: string[]) => collect(spawnCli(world.home, args, { LANG: "zh_CN.UTF-8" }));

  it("speaks Chinese when LANG names it, errors and hints included, and puts into a cloud folder it creates", async () => {
    const { root, home, sandbox } = world;
    expect((await runCliProcess(home, ...addWorkArgs(sandbox))).code).toBe(0);
    const drop = join(root, "drop");
    mkdirSync(drop);
    writeFileSync(join(drop, "报表.csv"), "a,b\n");

    const put = await inChinese("put", join(drop, "报表.csv"), "Work:/表格/2025");
    expect(put).toMatchObject({ code: 0, stderr: "" });
    expect(put.stdout).toContain("Work:/表格/2025 原先不存在，已创建\n");
    expect(lastLine(put.stdout)).toBe("上传：成功 1，失败 0");
    expect(lsNames((await runCliProcess(home, "ls", "Work:/表格/2025")).stdout)).toEqual(["报表.csv"]);

    expect(await inChinese("ls", "Work:/没有")).toMatchObject({
      code: 1,
      stderr: "docsync: 云端没有 /没有。\n",
    });
    const usage = await inChinese("pair");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/（见 --help）\n$/);
    expect((await inChinese("--help")).stdout).toContain(
      "用法：npm run cli -- [--home DIR] COMMAND [OPTIONS]",
    );
  });

  it("LC_ALL wins over LANG, and the language chosen in the settings wins over both", async () => {
    const { home } = world;
    const english = await collect(
      spawnCli(home, ["ls", "Nobody:/"], { LANG: "zh_CN.UTF-8", LC_ALL: "en_US.UTF-8" }),
    );
    expect(english.stderr).toMatch(/^docsync: .*\(see --help\)\n$/);
    writeFileSync(
      join(home, "settings.json"),
      JSON.stringify({
        accounts: [],
        moves: {},
        preferences: { language: "zh-CN", notifications: true, tourDone: true },
      }),
    );
    const chosen = await collect(spawnCli(home, ["ls", "Nobody:/"], { LC_ALL: "en_US.UTF-8" }));
    expect(chosen.stderr).toMatch(/^docsync: .*（见 --help）\n$/);
  });
});
