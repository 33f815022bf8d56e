import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../sandbox/server.ts";
import type { CoreEvent } from "./api.ts";
import { createCore, type LocalCore } from "./create-core.ts";
import { IpcFailure } from "./ipc-error.ts";

describe("createCore", () => {
  let home: string;
  const sandboxes: Sandbox[] = [];
  const cores: LocalCore[] = [];
  let quirks: SandboxOptions["quirks"] = {};
  const localCloud = async () => {
    const sandbox = await startSandbox({ dataDir: join(home, "local-cloud"), quirks });
    sandboxes.push(sandbox);
    return {
      baseUrl: sandbox.url,
      appId: sandbox.appId,
      appKey: sandbox.appKey,
      close: () => sandbox.close(),
    };
  };
  const open = async () => {
    const core = await createCore({ home, shell: "web", autoStart: false, startLocalCloud: localCloud });
    cores.push(core);
    return core;
  };

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "docsync-core-"));
    quirks = {};
  });
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
    for (const sandbox of sandboxes.splice(0)) await sandbox.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("connects the local cloud when there is no account, and re-points it at the next start", async () => {
    const first = await open();
    const [account] = await first.handlers["accounts.list"]({});
    expect(account).toMatchObject({
      name: "Local cloud (sandbox)",
      sandbox: true,
      status: { state: "connected" },
    });
    await first.handlers["tree.createFolder"]({ accountId: account!.id, parentId: "0", name: "kept" });
    await first.close();

    const second = await open();
    const accounts = await second.handlers["accounts.list"]({});
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.id).toBe(account!.id);
    expect(accounts[0]!.baseUrl).toBe(sandboxes[1]!.url);
    expect(accounts[0]!.baseUrl).not.toBe(account!.baseUrl);
    const root = await second.handlers["tree.list"]({ accountId: account!.id, folderId: "0" });
    expect(root.entries.map((e) => e.name)).toEqual(["kept"]);
    const everything = JSON.stringify(accounts) + readFileSync(join(home, "settings.json"), "utf8");
    expect(everything).not.toContain(sandboxes[1]!.appKey);
  });

  it("numbers every event in one sequence and announces moved folders", async () => {
    const core = await open();
    const accountId = (await core.handlers["accounts.list"]({}))[0]!.id;
    const events: CoreEvent[] = [];
    core.subscribe((event) => events.push(event));
    const a = await core.handlers["tree.createFolder"]({ accountId, parentId: "0", name: "a" });
    const b = await core.handlers["tree.createFolder"]({ accountId, parentId: "0", name: "b" });
    const inner = await core.accounts.providerFor(accountId).createFolder(a.id, "inner");

    const { taskId } = await core.handlers["moves.start"]({
      accountId,
      entryIds: [inner.id],
      targetFolderId: b.id,
    });
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.name === "tree.changed" && e.payload.folderIds.includes(a.id))) {
      if (Date.now() > deadline) throw new Error("the move never announced its folders");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const snapshot = await core.handlers["tasks.snapshot"]({});
    expect(snapshot.tasks.find((t) => t.id === taskId)).toMatchObject({ state: "succeeded", kind: "move" });
    expect(snapshot.seq).toBe(events.at(-1)!.payload.seq);
    expect(events.map((e) => e.payload.seq)).toEqual(events.map((_, i) => i + 1));
    expect(
      events.find((e) => e.name === "tree.changed" && e.payload.folderIds.includes(a.id))?.payload,
    ).toMatchObject({ accountId, folderIds: expect.arrayContaining([a.id, b.id]) });
    expect(await core.resolveRemotePath(accountId, "/b/inner")).toMatchObject({
      id: inner.id,
      parentId: b.id,
    });
  });

  it("shows a move waiting on a status word the contract does not know, and logs the word once", async () => {
    quirks = { unfamiliarAnswers: true };
    const core = await open();
    const accountId = (await core.handlers["accounts.list"]({}))[0]!.id;
    const events: CoreEvent[] = [];
    core.subscribe((event) => events.push(event));
    const from = await core.handlers["tree.createFolder"]({ accountId, parentId: "0", name: "from" });
    const to = await core.handlers["tree.createFolder"]({ accountId, parentId: "0", name: "to" });
    const taskIds: string[] = [];
    for (const name of ["one", "two"]) {
      const item = await core.accounts.providerFor(accountId).createFolder(from.id, name);
      const move = { accountId, entryIds: [item.id], targetFolderId: to.id };
      const { taskId } = await core.handlers["moves.start"](move);
      taskIds.push(taskId);
      const deadline = Date.now() + 15_000;
      while (core.tasks.get(taskId)?.state !== "succeeded") {
        if (Date.now() > deadline) throw new Error("the move did not end");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const phases = events.flatMap((e) =>
      e.name === "tasks.changed"
        ? e.payload.tasks.filter((t) => t.id === taskIds[0]).map((t) => t.phase)
        : [],
    );
    expect(phases).toContain('waiting for the service (it says "running")');
    const activity = await core.handlers["activity.list"]({ limit: 100 });
    const told = activity.filter((entry) => entry.text.includes('data.status "running"'));
    expect(told).toEqual([expect.objectContaining({ level: "warn", accountId })]);
  });

  it("answers every failure as an IpcError", async () => {
    const core = await open();
    const invalid = await core.handlers["tree.list"]({ accountId: "", folderId: "0" }).catch(
      (e: unknown) => e,
    );
    expect(invalid).toBeInstanceOf(IpcFailure);
    expect((invalid as IpcFailure).ipc.code).toBe("invalid-input");
    await expect(core.handlers["tree.list"]({ accountId: "nope", folderId: "0" })).rejects.toMatchObject({
      ipc: { code: "not-found" },
    });
    await expect(core.handlers["moves.retryFailed"]({ taskId: "nope" })).rejects.toMatchObject({
      ipc: { code: "not-found" },
    });
    await expect(
      core.handlers["accounts.add"]({
        kind: "koodrive",
        name: "K",
        baseUrl: "http://127.0.0.1:9",
        token: "t",
      }),
    ).rejects.toMatchObject({
      ipc: { code: "transient", message: expect.stringMatching(/^The account was not added/) },
    });
    expect((await core.handlers["accounts.list"]({})).map((a) => a.name)).not.toContain("K");
    expect(await core.handlers["app.info"]({})).toMatchObject({ shell: "web", canPickFolders: false });
  });
});
