import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addWorkArgs,
  collect,
  lastLine,
  lsNames as names,
  runCliProcess,
  spawnCli,
  useCliWorld,
} from "../../testing/cli-harness.ts";

describe("cli: pairs, sync, put, mv, status, watch", () => {
  const world = useCliWorld("file");
  const cli = (...args: string[]) => runCliProcess(world.home, ...args);

  beforeAll(async () => {
    expect((await cli(...addWorkArgs(world.sandbox))).code).toBe(0);
  });

  it("pairs a folder and syncs it once, creating the cloud folders", async () => {
    const { root, sandbox } = world;
    const local = join(root, "docs");
    mkdirSync(join(local, "sub"), { recursive: true });
    writeFileSync(join(local, "a.txt"), "alpha");
    writeFileSync(join(local, "sub", "b.txt"), "bravo");
    const paired = await cli("pair", "add", local, "Work:/Backup/docs");
    expect(paired.code).toBe(0);

    const synced = await cli("sync", "--once");
    expect(synced.stderr).toBe("");
    expect(synced.code).toBe(0);
    expect(lastLine(synced.stdout)).toBe(
      "synced: 2 uploaded, 0 moved, 0 renamed, 0 deleted, 0 unchanged, 0 failed",
    );
    expect(names((await cli("ls", "Work:/Backup/docs")).stdout)).toEqual(["sub/", "a.txt"]);
    expect(names((await cli("ls", "Work:/Backup/docs/sub")).stdout)).toEqual(["b.txt"]);

    const again = await cli("sync", "--once");
    expect(lastLine(again.stdout)).toBe(
      "synced: 0 uploaded, 0 moved, 0 renamed, 0 deleted, 2 unchanged, 0 failed",
    );

    const status = await cli("status", "--json");
    const parsed = JSON.parse(status.stdout) as {
      accounts: { name: string }[];
      pairs: { localPath: string; remotePath: string }[];
    };
    expect(parsed.accounts.map((a) => a.name)).toEqual(["Work"]);
    expect(parsed.pairs).toMatchObject([{ localPath: local, remotePath: "/Backup/docs" }]);
    expect(status.stdout).not.toContain(sandbox.appKey);
  });

  it("puts files into a cloud folder and moves them, reporting the item that could not move", async () => {
    const { root } = world;
    const drop = join(root, "drop");
    mkdirSync(drop);
    for (const name of ["x.txt", "y.txt"]) writeFileSync(join(drop, name), `new ${name}`);
    writeFileSync(join(root, "x.txt"), "the x.txt already in the target");
    expect((await cli("mkdir", "Work:/inbox")).code).toBe(0);
    expect((await cli("mkdir", "Work:/target")).code).toBe(0);
    expect(lastLine((await cli("put", join(root, "x.txt"), "Work:/target")).stdout)).toBe(
      "put: 1 uploaded, 0 failed",
    );
    const put = await cli("put", join(drop, "x.txt"), join(drop, "y.txt"), "Work:/inbox");
    expect(put).toMatchObject({ code: 0, stderr: "" });
    expect(lastLine(put.stdout)).toBe("put: 2 uploaded, 0 failed");

    const moved = await cli("mv", "Work:/inbox/x.txt", "Work:/inbox/y.txt", "Work:/target");
    expect(moved.code).toBe(1);
    expect(moved.stdout).toMatch(/^Move 2 items to "target": \d\/2 items$/m);
    expect(lastLine(moved.stdout)).toBe("moved 1 of 2 items, 1 failed");
    expect(moved.stderr).toBe("failed: x.txt: its name is taken in the target folder\n");
    expect(names((await cli("ls", "Work:/inbox")).stdout)).toEqual(["x.txt"]);
    expect(names((await cli("ls", "Work:/target")).stdout)).toEqual(["x.txt", "y.txt"]);

    const missing = await cli("mv", "Work:/inbox/nope.txt", "Work:/target");
    expect(missing).toMatchObject({
      code: 1,
      stderr: "docsync: There is no /inbox/nope.txt in the cloud.\n",
    });
  });

  it("watches until SIGTERM, uploading what changes, then stops cleanly", async () => {
    const { root, home } = world;
    const local = join(root, "watched");
    mkdirSync(local);
    expect((await cli("pair", "add", local, "Work:/watched")).code).toBe(0);
    // The home is the watcher's while it runs: the cloud is looked at from a home of its own.
    const observer = join(root, "observer");
    expect((await runCliProcess(observer, ...addWorkArgs(world.sandbox))).code).toBe(0);
    const child = spawnCli(home, ["watch"]);
    const done = collect(child);
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    // Changes are written once the first pass is over, as a user would.
    await until(() => /watching \d+ folders?/.test(out) && out.includes(`${local}: in sync`));
    writeFileSync(join(local, "live.txt"), "written while watching");
    await until(async () =>
      names((await runCliProcess(observer, "ls", "Work:/watched")).stdout).includes("live.txt"),
    );
    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stopped\n$/);
  });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
