import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliProcess, useCliWorld } from "../../testing/cli-harness.ts";

describe("cli: KooDrive accounts", () => {
  const world = useCliWorld("test");
  const addArgs = (name: string) => [
    "account",
    "add",
    "koodrive",
    "--name",
    name,
    "--base-url",
    world.sandbox.url,
  ];
  const add = (token: string, ...extra: string[]) =>
    runCliProcess(world.home, ...addArgs("Drive"), "--token", token, ...extra);

  it("adds an account whose token works, keeps the token encrypted, and then uploads and lists", async () => {
    const { home, sandbox } = world;
    const token = await sandbox.koodriveToken();
    const added = await add(token);
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(added.stdout).toContain('added account "Drive": the token works');
    const list = await runCliProcess(home, "account", "list");
    expect(list.stdout).toMatch(/^Drive\tkoodrive\thttp:\/\/127\.0\.0\.1:\d+\tconnected$/m);
    expect(readFileSync(join(home, "settings.json"), "utf8")).not.toContain(token);

    const file = join(home, "hello.txt");
    writeFileSync(file, "hello KooDrive\n");
    expect(await runCliProcess(home, "mkdir", "Drive:/Inbox")).toMatchObject({ code: 0 });
    expect(await runCliProcess(home, "put", file, "Drive:/Inbox")).toMatchObject({ code: 0 });
    const ls = await runCliProcess(home, "ls", "Drive:/Inbox");
    expect(ls.stdout).toMatch(/15 B .* hello\.txt$/m);
  });

  it("refuses a wrong token in one line and saves nothing", async () => {
    const { home } = world;
    const added = await add("not-a-token");
    expect(added.code).toBe(1);
    expect(added.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^docsync: The account was not added\. .*KooDrive refused the access token/),
    ]);
    expect((await runCliProcess(home, "account", "list")).stdout).toMatch(/^no accounts/);
  });

  it("names a missing token, a flag of the other kind and an unknown kind with exit 2", async () => {
    const { home } = world;
    const missing = await runCliProcess(home, ...addArgs("D"));
    expect(missing).toMatchObject({ code: 2, stderr: "docsync: --token is required (see --help)\n" });
    const foreign = await add("t", "--app-key", "k");
    expect(foreign).toMatchObject({
      code: 2,
      stderr: "docsync: --app-key is not for koodrive accounts (see --help)\n",
    });
    const unknown = await runCliProcess(home, "account", "add", "dropbox", "--name", "D");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/"dropbox" is not an account kind; use kdocs or koodrive/);
  });
});
