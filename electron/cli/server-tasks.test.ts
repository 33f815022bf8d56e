/**
 * The command line when a pass has to wait for a server task: a batch move of more than ten items,
 * a KooDrive move (always a job), a file over 64 MiB (staged on OST, then imported). Each command
 * runs as its own process and must stay alive by itself until the task ends, then exit with its
 * summary.
 */
import { mkdirSync, renameSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  addWorkArgs,
  lastLine,
  lsNames as names,
  runCliProcess,
  useCliWorld,
} from "../../testing/cli-harness.ts";

const KDOCS_MOVE = "POST /api/v1/openapi/appspace/tasks/files/move";
const KDOCS_UPLOAD = "POST /api/v1/openapi/appspace/files/upload";
const KDOCS_IMPORT = "POST /api/v1/openapi/appspace/file/async/upload";
const KOODRIVE_JOBS = "POST /koodrive/ose/v1/jobs";
const KOODRIVE_UPLOADS = [
  "POST /koodrive/ose/v1/files/create",
  "POST /koodrive/ose/v1/revision/createRevision",
];

const synced = (counts: { uploaded?: number; moved?: number; unchanged?: number }) =>
  `synced: ${counts.uploaded ?? 0} uploaded, ${counts.moved ?? 0} moved, 0 renamed, 0 deleted, ${counts.unchanged ?? 0} unchanged, 0 failed`;

describe("cli: commands that wait for server tasks", () => {
  const world = useCliWorld("test");
  const cli = (...args: string[]) => runCliProcess(world.home, ...args);
  const calls = (endpoint: string) => world.sandbox.stats()[endpoint] ?? 0;

  it("sync --once after 30 local moves: one batch-move task, 30 moved, exit 0; then nothing to send", async () => {
    const { root } = world;
    const local = join(root, "docs");
    mkdirSync(join(local, "inbox"), { recursive: true });
    mkdirSync(join(local, "archive"));
    for (let i = 0; i < 30; i++) writeFileSync(join(local, "inbox", `f${i}.txt`), `file ${i}`);
    expect((await cli(...addWorkArgs(world.sandbox))).code).toBe(0);
    expect((await cli("pair", "add", local, "Work:/docs")).code).toBe(0);
    const first = await cli("sync", "--once");
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(lastLine(first.stdout)).toBe(synced({ uploaded: 30 }));

    for (let i = 0; i < 30; i++)
      renameSync(join(local, "inbox", `f${i}.txt`), join(local, "archive", `f${i}.txt`));
    const moves = calls(KDOCS_MOVE);
    const uploads = calls(KDOCS_UPLOAD);
    const moved = await cli("sync", "--once");
    expect(moved).toMatchObject({ code: 0, stderr: "" });
    expect(lastLine(moved.stdout)).toBe(synced({ moved: 30 }));
    expect(calls(KDOCS_MOVE)).toBe(moves + 1);
    expect(calls(KDOCS_UPLOAD)).toBe(uploads);
    expect(names((await cli("ls", "Work:/docs/archive")).stdout)).toHaveLength(30);

    const again = await cli("sync", "--once");
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(lastLine(again.stdout)).toBe(synced({ unchanged: 30 }));
    expect(calls(KDOCS_MOVE)).toBe(moves + 1);
    expect(calls(KDOCS_UPLOAD)).toBe(uploads);

    // The same wait behind `mv`: 30 cloud files in one move task.
    expect((await cli("mkdir", "Work:/elsewhere")).code).toBe(0);
    const sources = Array.from({ length: 30 }, (_, i) => `Work:/docs/archive/f${i}.txt`);
    const mv = await cli("mv", ...sources, "Work:/elsewhere");
    expect(mv).toMatchObject({ code: 0, stderr: "" });
    expect(lastLine(mv.stdout)).toBe("moved 30 of 30 items, 0 failed");
    expect(calls(KDOCS_MOVE)).toBe(moves + 2);
  });

  it("a move in a KooDrive pair is a job the pass waits for: sync --once says moved and exits 0", async () => {
    const { root, sandbox } = world;
    const token = await sandbox.koodriveToken();
    expect(
      (
        await cli(
          "account",
          "add",
          "koodrive",
          "--name",
          "Drive",
          "--base-url",
          sandbox.url,
          "--token",
          token,
        )
      ).code,
    ).toBe(0);
    const local = join(root, "drive");
    mkdirSync(join(local, "a"), { recursive: true });
    mkdirSync(join(local, "b"));
    for (let i = 0; i < 3; i++) writeFileSync(join(local, "a", `n${i}.txt`), `note ${i}`);
    expect((await cli("pair", "add", local, "Drive:/drive")).code).toBe(0);
    expect(lastLine((await cli("sync", "--once")).stdout)).toBe(synced({ uploaded: 3 }));

    for (let i = 0; i < 3; i++) renameSync(join(local, "a", `n${i}.txt`), join(local, "b", `n${i}.txt`));
    const jobs = calls(KOODRIVE_JOBS);
    const uploads = KOODRIVE_UPLOADS.reduce((sum, endpoint) => sum + calls(endpoint), 0);
    const moved = await cli("sync", "--once");
    expect(moved).toMatchObject({ code: 0, stderr: "" });
    expect(lastLine(moved.stdout)).toBe(synced({ moved: 3 }));
    expect(calls(KOODRIVE_JOBS)).toBe(jobs + 1);
    expect(KOODRIVE_UPLOADS.reduce((sum, endpoint) => sum + calls(endpoint), 0)).toBe(uploads);
    expect(names((await cli("ls", "Drive:/drive/b")).stdout)).toEqual(["n0.txt", "n1.txt", "n2.txt"]);

    const again = await cli("sync", "--once");
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(lastLine(again.stdout)).toBe(synced({ unchanged: 3 }));
    expect(calls(KOODRIVE_JOBS)).toBe(jobs + 1);
  });

  it("a 70 MiB file in a pair is staged on OST and imported; sync --once waits for the import", async () => {
    const { root, sandbox } = world;
    const withOst = [
      ...addWorkArgs(sandbox),
      ...["--ost-base-url", sandbox.url, "--ost-app-id", sandbox.ost.appId],
      ...["--ost-api-key", sandbox.ost.apiKey, `--ost-api-secret=${sandbox.ost.apiSecret}`],
    ];
    const added = await cli(...withOst);
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(added.stdout).toContain("(with large files)");
    const local = join(root, "videos");
    mkdirSync(local);
    const big = join(local, "film.bin");
    writeFileSync(big, "");
    truncateSync(big, 70 * 1024 * 1024);
    expect((await cli("pair", "add", local, "Work:/videos")).code).toBe(0);

    const first = await cli("sync", "--once");
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(lastLine(first.stdout)).toBe(synced({ uploaded: 1 }));
    expect(calls(KDOCS_IMPORT)).toBe(1);
    expect((await cli("ls", "Work:/videos")).stdout).toMatch(/70 MiB .* film\.bin$/m);

    const again = await cli("sync", "--once");
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(lastLine(again.stdout)).toBe(synced({ unchanged: 1 }));
    expect(calls(KDOCS_IMPORT)).toBe(1);
  });
});
