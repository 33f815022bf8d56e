import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  addKdocsArgs,
  addWorkArgs,
  runCliProcess,
  runCliWithInput,
  useCliWorld,
} from "../../testing/cli-harness.ts";

describe("cli: accounts and usage", () => {
  const world = useCliWorld("test");
  const add = (appKey: string) => runCliProcess(world.home, ...addWorkArgs(world.sandbox, appKey));

  it("adds an account whose credentials work, and keeps the key only encrypted", async () => {
    const { home, sandbox } = world;
    const added = await add(sandbox.appKey);
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(added.stdout).toContain('added account "Work"');
    const list = await runCliProcess(home, "account", "list");
    expect(list.stdout).toMatch(/^Work\tkdocs\thttp:\/\/127\.0\.0\.1:\d+\tconnected$/m);
    expect(readFileSync(join(home, "settings.json"), "utf8")).not.toContain(sandbox.appKey);
    expect(list.stdout).not.toContain(sandbox.appKey);
  });

  it("reads secrets given as - from standard input, in the order given, and says so in --help", async () => {
    const { home, sandbox } = world;
    const withStdin = addKdocsArgs({ name: "Work", baseUrl: sandbox.url, appId: sandbox.appId, appKey: "-" });
    const ost = ["--ost-base-url", sandbox.url, "--ost-app-id", sandbox.ost.appId];
    const added = await runCliWithInput(
      home,
      `${sandbox.appKey}\n${sandbox.ost.apiSecret}\n${sandbox.ost.apiKey}\n`,
      ...withStdin,
      ...ost,
      "--ost-api-secret",
      "-",
      "--ost-api-key",
      "-",
    );
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(added.stdout).toContain('added account "Work": the credentials work (with large files)');
    expect(readFileSync(join(home, "settings.json"), "utf8")).not.toContain(sandbox.appKey);

    const empty = await runCliWithInput(home, "", "account", "set", "Work", "--access-token", "-");
    expect(empty).toMatchObject({
      code: 2,
      stderr: "docsync: --access-token -: standard input ended before its value (see --help)\n",
    });
    expect((await runCliProcess(home, "--help")).stdout).toContain("given as - are asked\nfor without echo");
  });

  it("refuses a wrong key with one clear line and saves nothing", async () => {
    const { home } = world;
    const added = await add("not-the-key");
    expect(added.code).toBe(1);
    expect(added.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^docsync: .*app key is wrong/)]);
    expect((await runCliProcess(home, "account", "list")).stdout).toMatch(/^no accounts/);
  });

  it("explains usage mistakes in one line with exit 2", async () => {
    const { home, sandbox } = world;
    const unknown = await runCliProcess(home, "frobnicate");
    expect(unknown).toMatchObject({
      code: 2,
      stderr: 'docsync: unknown command "frobnicate" (see --help)\n',
    });
    const missing = await runCliProcess(
      home,
      ...addKdocsArgs({ name: "W", baseUrl: sandbox.url, appId: "x" }),
    );
    expect(missing).toMatchObject({ code: 2, stderr: "docsync: --app-key is required (see --help)\n" });
    const dashed = await runCliProcess(
      home,
      ...addKdocsArgs({ name: "W", baseUrl: sandbox.url, appId: "x" }),
      "--app-key",
      "-k1",
    );
    expect(dashed).toMatchObject({
      code: 2,
      stderr:
        'docsync: --app-key needs a value; one that starts with "-" is written --app-key=VALUE (see --help)\n',
    });
    const badUrl = await runCliProcess(
      home,
      ...addKdocsArgs({ name: "W", baseUrl: "nope", appId: "x", appKey: "k" }),
    );
    expect(badUrl.stderr).toMatch(/^docsync: --base-url: .*URL/i);
    const help = await runCliProcess(home, "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("sync --once");
  });
});
