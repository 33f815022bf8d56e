/** A home the desktop app wrote (secrets in the system keyring) opened by the other shells. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { runCliProcess } from "../../testing/cli-harness.ts";
import { tempDir } from "../../testing/harness.ts";
import { startServe, type ServeProcess } from "../../testing/serve-process.ts";

const scratch = tempDir("docsync-desktop-home-");
let serve: ServeProcess | undefined;
afterEach(async () => {
  await serve?.stop();
  serve = undefined;
  scratch.remove();
});

/** settings.json as the desktop app leaves it: each account's secrets sealed by the keyring. */
function desktopHome(account: { id: string; name: string; sandbox: boolean }): string {
  const home = join(scratch.path, "home");
  mkdirSync(home, { recursive: true });
  const stored = {
    ...account,
    kind: "kdocs",
    baseUrl: "http://127.0.0.1:9",
    appId: "SX-desktop",
    hasAccessToken: true,
    secrets: "ss1:c2VhbGVkIGJ5IHRoZSBrZXlyaW5n",
    status: { state: "connected" },
    createdAt: 1,
  };
  writeFileSync(join(home, "settings.json"), JSON.stringify({ accounts: [stored], moves: {} }));
  return home;
}

test("the web shell starts on the desktop app's home and re-keys the local cloud's account, which works", async () => {
  const home = desktopHome({ id: "acc-local", name: "Local cloud (sandbox)", sandbox: true });
  serve = await startServe(home);
  expect(serve.url, serve.stderr()).not.toBe("");
  const call = async (channel: string, input: unknown) =>
    (await (
      await fetch(`http://127.0.0.1:${serve!.port}/api/${channel}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-docsync-token": serve!.token },
        body: JSON.stringify(input),
      })
    ).json()) as { ok: boolean; result?: unknown };
  expect(await call("tree.list", { accountId: "acc-local", folderId: "0" })).toEqual({
    ok: true,
    result: { entries: [], next: null },
  });
  expect(await call("app.info", {})).toMatchObject({
    result: { secretStorage: { kind: "key-file", path: join(home, "secret.key") } },
  });
  expect(readFileSync(join(home, "settings.json"), "utf8")).not.toContain("ss1:");
});

test("the command line says in one line what to do with an account whose secrets are in the keyring", async () => {
  const home = desktopHome({ id: "acc-work", name: "Work", sandbox: false });
  expect(await runCliProcess(home, "ls", "Work:/")).toEqual({
    code: 1,
    stdout: "",
    stderr:
      'docsync: The account "Work" cannot be used here: these credentials were saved by the desktop app with the system keyring; open the desktop app, or add the account again\n',
  });
});
