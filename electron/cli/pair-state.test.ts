/** A pair's state as the command line shows it: in sync only when nothing is left to send or failed. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { PairView } from "../../shared/model.ts";
import { pairNewFolder, runCliProcess, useCliWorld } from "../../testing/cli-harness.ts";

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

it("a pair is in sync when the journal has nothing left to send", async () => {
  const { home } = world;
  const local = await pairNewFolder(world);
  writeFileSync(join(local, "a.txt"), "alpha");
  expect((await runCliProcess(home, "sync", "--once")).code).toBe(0);
  expect(await pairsOf(home)).toMatchObject([{ state: "idle", message: "in sync", toSend: 0, issues: [] }]);
});
