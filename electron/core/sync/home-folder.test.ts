import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "../../../sandbox/server.ts";
import { createCore, type LocalCore } from "../create-core.ts";
import { openJournal } from "../journal/index.ts";
import { tempDir } from "../../../testing/harness.ts";

const scratch = tempDir("docsync-home-pair-");
let sandbox: Sandbox;
let core: LocalCore | undefined;
const outer = join(scratch.path, "outer");
const home = join(outer, "home");

beforeEach(async () => {
  mkdirSync(join(home, "local-cloud"), { recursive: true });
  mkdirSync(join(outer, "docs"));
  writeFileSync(join(outer, "docs", "a.txt"), "a document");
  sandbox = await startSandbox({ dataDir: join(home, "local-cloud") });
});
afterEach(async () => {
  await core?.close();
  core = undefined;
  await sandbox.close();
  scratch.remove();
});

const open = () =>
  createCore({
    home,
    shell: "web",
    autoStart: false,
    startLocalCloud: async () => ({ baseUrl: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey }),
  });

test("a pair around or inside docsync's own folder is refused, saying why", async () => {
  core = await open();
  const [account] = await core.handlers["accounts.list"]({});
  const add = (localPath: string) =>
    core!.handlers["pairs.add"]({
      accountId: account!.id,
      localPath,
      remotePath: "/backup",
      deletePolicy: "keep",
    });
  await expect(add(outer)).rejects.toMatchObject({
    ipc: {
      code: "invalid-input",
      message: `${outer} holds docsync's own folder ${home} (its settings, the key to its credentials and its journal); pair a folder that does not.`,
    },
  });
  for (const inside of [home, join(home, "local-cloud")]) {
    await expect(add(inside)).rejects.toMatchObject({
      ipc: {
        code: "invalid-input",
        message: `${inside} is inside docsync's own folder ${home}; pair a folder outside it.`,
      },
    });
  }
  expect(await core.handlers["pairs.list"]({})).toEqual([]);
});

test("a pair that holds the home anyway (made before the rule) syncs everything but the home", async () => {
  core = await open();
  const [account] = await core.handlers["accounts.list"]({});
  await core.close();
  const journal = openJournal(join(home, "journal.db"));
  journal.putPair({
    id: "old-pair",
    accountId: account!.id,
    localPath: outer,
    remotePath: "/backup",
    deletePolicy: "keep",
    paused: false,
    remoteRootId: null,
    createdAt: 1,
  });
  journal.close();

  core = await open();
  expect(await core.engine.syncOnce()).toMatchObject({ uploaded: 1, failed: 0 });
  const backup = await core.resolveRemotePath(account!.id, "/backup");
  const { entries } = await core.handlers["tree.list"]({ accountId: account!.id, folderId: backup.id });
  expect(entries.map((entry) => entry.name)).toEqual(["docs"]);
});
