import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../sandbox/server.ts";
import { runCli } from "./harness.ts";

describe("cli: KooDrive accounts", () => {
  let sandbox: Sandbox;
  let home: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "docsync-cli-koo-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const add = (token: string, ...extra: string[]) =>
    runCli(
      home,
      "account",
      "add",
      "koodrive",
      "--name",
      "Drive",
      "--base-url",
      sandbox.url,
      "--token",
      token,
      ...extra,
    );

  it("adds an account whose token works, keeps the token encrypted, and then uploads and lists", async () => {
    const token = await sandbox.koodriveToken();
    const added = await add(token);
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(added.stdout).toContain('added account "Drive": the token works');
    const list = await runCli(home, "account", "list");
    expect(list.stdout).toMatch(/^Drive\tkoodrive\thttp:\/\/127\.0\.0\.1:\d+\tconnected$/m);
    expect(readFileSync(join(home, "settings.json"), "utf8")).not.toContain(token);

    const file = join(home, "hello.txt");
    writeFileSync(file, "hello KooDrive\n");
    expect(await runCli(home, "mkdir", "Drive:/Inbox")).toMatchObject({ code: 0 });
    expect(await runCli(home, "put", file, "Drive:/Inbox")).toMatchObject({ code: 0 });
    const ls = await runCli(home, "ls", "Drive:/Inbox");
    expect(ls.stdout).toMatch(/15 B .* hello\.txt$/m);
  });

  it("refuses a wrong token in one line and saves nothing", async () => {
    const added = await add("not-a-token");
    expect(added.code).toBe(1);
    expect(added.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^docsync: The account was not added\. .*KooDrive refused the access token/),
    ]);
    expect((await runCli(home, "account", "list")).stdout).toMatch(/^no accounts/);
  });

  it("names a missing token, a flag of the other kind and an unknown kind with exit 2", async () => {
    const missing = await runCli(
      home,
      "account",
      "add",
      "koodrive",
      "--name",
      "D",
      "--base-url",
      sandbox.url,
    );
    expect(missing).toMatchObject({ code: 2, stderr: "docsync: --token is required (see --help)\n" });
    const foreign = await add("t", "--app-key", "k");
    expect(foreign).toMatchObject({
      code: 2,
      stderr: "docsync: --app-key is not for koodrive accounts (see --help)\n",
    });
    const unknown = await runCli(home, "account", "add", "dropbox", "--name", "D");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/"dropbox" is not an account kind; use kdocs or koodrive/);
  });
});
