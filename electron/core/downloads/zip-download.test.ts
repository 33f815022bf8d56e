/** A KooDrive account added through the handlers, and "Download as zip" saved into a folder. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_TOKEN_HEADER, startSandbox, type Sandbox } from "../../../sandbox/server.ts";
import type { TaskView } from "../../../shared/model.ts";
import { createCore, type LocalCore } from "../create-core.ts";
import { tempDir } from "../../../testing/harness.ts";
import { numbered, placeWithoutOverwrite, prepareFolder, safeFileName } from "./save-path.ts";
import { SAVED_PREFIX } from "./zip-download.ts";

/** The names in a zip's central directory (read by hand: the test trusts no zip library). */
export function zipEntryNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error("not a zip: no end of central directory");
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error("broken central directory");
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    names.push(zip.toString("utf8", at + 46, at + 46 + nameLength));
    at += 46 + skip;
  }
  return names.sort();
}

describe("KooDrive account and zip download through the core", () => {
  const dir = tempDir("docsync-zip-");
  let sandbox: Sandbox;
  let core: LocalCore;
  let accountId: string;
  let ids: string[];

  const setPace = (itemsPerSecond: number) =>
    fetch(`${sandbox.url}/__sandbox/koodrive/pace`, {
      method: "POST",
      headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: sandbox.controlToken },
      body: JSON.stringify({ itemsPerSecond }),
    });
  const finished = async (taskId: string): Promise<TaskView> => (await core.runner.whenFinal([taskId]))[0]!;

  beforeAll(async () => {
    sandbox = await startSandbox({ dataDir: join(dir.path, "cloud"), koodrive: { itemsPerSecond: 20 } });
    core = await createCore({
      home: join(dir.path, "home"),
      shell: "cli",
      autoStart: false,
      userHome: join(dir.path, "user"),
    });
    const account = await core.handlers["accounts.add"]({
      kind: "koodrive",
      name: "Drive",
      baseUrl: sandbox.url,
      token: await sandbox.koodriveToken(),
    });
    accountId = account.id;
    const folder = await core.handlers["tree.createFolder"]({ accountId, parentId: "root", name: "Reports" });
    const paths = ["q1.txt", "q2.txt", "q3.txt"].map((name) => {
      const path = join(dir.path, name);
      writeFileSync(path, `${name} `.repeat(500));
      return path;
    });
    const { taskIds } = await core.handlers["uploads.fromPaths"]({ accountId, folderId: folder.id, paths });
    for (const taskId of taskIds) expect((await finished(taskId)).state).toBe("succeeded");
    const listing = await core.handlers["tree.list"]({ accountId, folderId: folder.id });
    ids = listing.entries.map((entry) => entry.id);
  });
  afterAll(async () => {
    await core?.close();
    await sandbox?.close();
    dir.remove();
  });

  it("adds the account after a real call, keeps the token encrypted, and says what it can do", async () => {
    const [view] = await core.handlers["accounts.list"]({});
    expect(view).toMatchObject({
      kind: "koodrive",
      status: { state: "connected" },
      capabilities: { zipDownload: true, scripts: false, largeFiles: true },
    });
    const settings = readFileSync(join(dir.path, "home", "settings.json"), "utf8");
    expect(settings).toContain('"kind": "koodrive"');
    expect(settings).not.toMatch(/"token"/);
    await expect(
      core.handlers["accounts.add"]({ kind: "koodrive", name: "Bad", baseUrl: sandbox.url, token: "nope" }),
    ).rejects.toMatchObject({ ipc: { code: "credentials" } });
    expect(await core.handlers["accounts.list"]({})).toHaveLength(1);
  });

  it("packs three files with the task's percent, then saves the zip beside an existing one as (1)", async () => {
    const downloads = join(dir.path, "user", "Downloads");
    mkdirSync(downloads, { recursive: true });
    writeFileSync(join(downloads, "Reports.zip"), "someone else's file");
    const seen: TaskView[] = [];
    const off = core.subscribe((event) => {
      if (event.name === "tasks.changed") seen.push(...event.payload.tasks);
    });
    // Slow enough that the poller sees the package part-way.
    await setPace(3);
    const { taskId } = await core.handlers["downloads.zip"]({
      accountId,
      entryIds: ids,
      destinationDir: "~/Downloads",
    });
    const task = await finished(taskId);
    off();
    await setPace(20);
    expect(task).toMatchObject({ kind: "download", state: "succeeded", title: "Download 3 items as zip" });
    const saved = join(downloads, "Reports (1).zip");
    expect(task.phase).toBe(`${SAVED_PREFIX}${saved}`);
    expect(readFileSync(join(downloads, "Reports.zip"), "utf8")).toBe("someone else's file");
    expect(zipEntryNames(readFileSync(saved))).toEqual(["q1.txt", "q2.txt", "q3.txt"]);
    expect(execFileSync("unzip", ["-p", saved, "q2.txt"], { encoding: "utf8" })).toBe("q2.txt ".repeat(500));
    expect(readdirSync(downloads).filter((name) => name.endsWith(".part"))).toEqual([]);
    // The percent came through the shared poller while the package was being made.
    const percents = seen.filter((t) => t.id === taskId && t.progress?.unit === "percent");
    expect(
      percents.some((t) => t.phase === "packing" && t.progress!.current > 0 && t.progress!.current < 100),
    ).toBe(true);
  });

  it("refuses a relative folder, a file as folder, an unknown entry and a KDocs account at once", async () => {
    await expect(
      core.handlers["downloads.zip"]({ accountId, entryIds: ids, destinationDir: "Downloads" }),
    ).rejects.toMatchObject({
      ipc: { code: "invalid-input", message: expect.stringMatching(/full folder/) },
    });
    const file = join(dir.path, "q1.txt");
    await expect(
      core.handlers["downloads.zip"]({ accountId, entryIds: ids, destinationDir: file }),
    ).rejects.toMatchObject({
      ipc: { code: "invalid-input", message: expect.stringMatching(/not a folder/) },
    });
    await expect(
      core.handlers["downloads.zip"]({ accountId, entryIds: ["nope"], destinationDir: dir.path }),
    ).rejects.toMatchObject({ ipc: { code: "not-found" } });
    const kdocs = await core.handlers["accounts.add"]({
      kind: "kdocs",
      name: "Space",
      baseUrl: sandbox.url,
      appId: sandbox.appId,
      appKey: sandbox.appKey,
    });
    expect(kdocs.capabilities).toEqual({ zipDownload: false, scripts: true, largeFiles: false });
    await expect(
      core.handlers["downloads.zip"]({ accountId: kdocs.id, entryIds: ["x"], destinationDir: dir.path }),
    ).rejects.toMatchObject({ ipc: { code: "unsupported" } });
    await core.handlers["accounts.remove"]({ accountId: kdocs.id });
  });

  it("a package that fails on the server fails the task and leaves no file", async () => {
    const target = join(dir.path, "failing");
    sandbox.setFaults({ errorRate: 1, pathPrefix: "/koodrive-download/" });
    try {
      const { taskId } = await core.handlers["downloads.zip"]({
        accountId,
        entryIds: ids.slice(0, 1),
        destinationDir: target,
      });
      const task = await finished(taskId);
      expect(task.state).toBe("failed");
      expect(task.error).toMatch(/HTTP 500/);
    } finally {
      sandbox.setFaults(null);
    }
    expect(readdirSync(target)).toEqual([]);
  });
});

describe("saving without overwriting", () => {
  it("numbers names and never replaces a file that appeared meanwhile", async () => {
    const dir = tempDir("docsync-save-");
    try {
      expect(numbered("a.zip", 0)).toBe("a.zip");
      expect(numbered("a.zip", 2)).toBe("a (2).zip");
      expect(safeFileName('a/b:c*?"<>|\u0001.')).toBe("a_b_c_______");
      expect(safeFileName("..")).toBe("download");
      const part = join(dir.path, "a.zip.part");
      writeFileSync(part, "new");
      writeFileSync(join(dir.path, "a.zip"), "old");
      expect(await placeWithoutOverwrite(part, dir.path, "a.zip")).toBe(join(dir.path, "a (1).zip"));
      expect(readFileSync(join(dir.path, "a.zip"), "utf8")).toBe("old");
      expect(existsSync(part)).toBe(false);
      expect(await prepareFolder("~/new/inner", dir.path)).toBe(join(dir.path, "new", "inner"));
    } finally {
      dir.remove();
    }
  });
});
