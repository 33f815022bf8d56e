/** A pair's state as the command line shows it: in sync only when nothing is left to send or failed. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { PairView } from "../../shared/model.ts";
import { collect, pairNewFolder, runCliProcess, spawnCli, useCliWorld } from "../../testing/cli-harness.ts";

const world = useCliWorld("test");

const pairsOf = async (home: string): Promise<PairView[]> =>
  (JSON.parse((await runCliProcess(home, "status", "--json")).stdout) as { pairs: PairView[] }).pairs;

it("a pair with a failed path is failed, not in sync, in status --json and status, with the path, reason and next try", async () => {
  const { home } = world;
  const local = await pairNewFolder(world);
  writeFileSync(join(local, "fine.txt"), "fine");
  // The cloud holds a folder where the local folder has a file: that path cannot be uploaded.
  writeFileSync(join(local, "report"), "a file named like a cloud folder");
  expect((await runCliProcess(home, "mkdir", "Work:/docs/report")).code).toBe(0);
  const synced = await runCliProcess(home, "sync", "--once");
  expect(synced.code).toBe(1);
  expect(synced.stderr).toMatch(/^failed: report: /m);

  const [pair] = await pairsOf(home);
  expect(pair).toMatchObject({ state: "failed", message: "1 failed", toSend: 0 });
  expect(pair!.issues).toEqual([
    expect.objectContaining({
      path: "report",
      reason: expect.stringMatching(/\w/),
      nextRetryAt: expect.any(Number),
    }),
  ]);
  const text = await runCliProcess(home, "status");
  expect(text.stdout).toContain("\t1 failed");
  expect(text.stdout).toMatch(/^ {4}report: .+ \(next try \d{4}-\d\d-\d\dT/m);
  expect(text.stdout).not.toMatch(/in sync/);
});

it("a failed path's reason and next try are said in the language LANG names, also when the failure was recorded in another", async () => {
  const { home } = world;
  const inChinese = (...args: string[]) => collect(spawnCli(home, args, { LANG: "zh_CN.UTF-8" }));
  const local = await pairNewFolder(world);
  writeFileSync(join(local, "report"), "a file named like a cloud folder");
  expect((await runCliProcess(home, "mkdir", "Work:/docs/report")).code).toBe(0);
  const synced = await inChinese("sync", "--once");
  expect(synced.code).toBe(1);
  const failedLine = /^失败：report：(.+)$/m.exec(synced.stderr)?.[1];
  // The service's own message stays as it came; docsync's words around it are Chinese.
  expect(failedLine, synced.stderr).toMatch(/^被拒绝：/);

  // Recorded while English was spoken: read in Chinese, it is Chinese.
  const english = await runCliProcess(home, "sync", "--once");
  expect(english.stderr).toMatch(/^failed: report: [A-Z]/m);
  const status = await inChinese("status");
  const issue = /^ {4}report：(.+)（下次重试 \d{4}-\d\d-\d\dT[^）]+）$/m.exec(status.stdout)?.[1];
  expect(issue, status.stdout).toBe(failedLine);
  const [pair] = await pairsOf(home);
  expect(pair!.issues[0]!.reasonPhrase).toEqual(expect.objectContaining({ key: expect.any(String) }));
});

it("a pair is in sync when the journal has nothing left to send", async () => {
  const { home } = world;
  const local = await pairNewFolder(world);
  writeFileSync(join(local, "a.txt"), "alpha");
  expect((await runCliProcess(home, "sync", "--once")).code).toBe(0);
  expect(await pairsOf(home)).toMatchObject([{ state: "idle", message: "in sync", toSend: 0, issues: [] }]);
});
