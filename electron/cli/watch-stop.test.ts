/**
 * Stopping `watch` in the middle of a pass, through the real process: the first SIGINT or SIGTERM
 * is a clean stop (the pass checkpoints, the journal is flushed, "stopped", exit 0) even though
 * libraries send the signal again, and the next `sync --once` sends the rest, every file once. The
 * web shell stops the same way.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PairView } from "../../shared/model.ts";
import {
  lastLine,
  lsNames,
  pairNewFolder,
  runCliProcess,
  startWatch,
  useCliWorld,
} from "../../testing/cli-harness.ts";
import { waitFor } from "../../testing/harness.ts";
import { startServe } from "../../testing/serve-process.ts";

const UPLOAD = "POST /api/v1/openapi/appspace/files/upload";
const FILES = 300;

describe("a stop in the middle of a pass", () => {
  const world = useCliWorld("test");
  const uploads = () => world.sandbox.stats()[UPLOAD] ?? 0;

  /** A pair of an empty folder; the cloud answers slowly enough that a pass is running when the signal comes. */
  async function pairedFolder(): Promise<string> {
    const local = await pairNewFolder(world);
    world.sandbox.setFaults({ latencyMs: 20 });
    return local;
  }

  const writeFiles = (local: string) => {
    for (let i = 0; i < FILES; i++) writeFileSync(join(local, `f${i}.txt`), `file ${i}`);
  };

  /** What the stopped process left goes with one `sync --once`, nothing twice. */
  async function restGoesOnce(): Promise<void> {
    const { home, sandbox } = world;
    const sentBefore = uploads();
    expect(sentBefore).toBeLessThan(FILES);
    // What the journal holds unsent shows as such, not as "in sync".
    const status = JSON.parse((await runCliProcess(home, "status", "--json")).stdout) as {
      pairs: PairView[];
    };
    expect(status.pairs[0]).toMatchObject({
      state: "pending",
      message: expect.stringMatching(/^\d+ to send$/),
    });
    expect(status.pairs[0]!.toSend).toBeGreaterThan(0);
    sandbox.setFaults(null);
    const synced = await runCliProcess(home, "sync", "--once");
    expect(synced.code).toBe(0);
    expect(Number(/synced: (\d+) uploaded/.exec(synced.stdout)?.[1])).toBe(FILES - sentBefore);
    expect(uploads()).toBe(FILES);
    const names = lsNames((await runCliProcess(home, "ls", "Work:/docs")).stdout);
    expect(new Set(names).size).toBe(FILES);
  }

  it.each(["SIGTERM", "SIGINT"] as const)(
    "watch, %s: exit 0 and stopped, then the rest goes once at the next sync",
    async (signal) => {
      const local = await pairedFolder();
      const watch = await startWatch(world.home, local);
      world.sandbox.resetStats();
      writeFiles(local);
      await waitFor(() => uploads() >= 5, "five uploads", 20_000);
      watch.child.kill(signal);
      const stopped = await watch.done;
      expect(stopped.stderr).toBe("");
      expect(stopped.code).toBe(0);
      expect(lastLine(stopped.stdout)).toBe("stopped");
      await restGoesOnce();
    },
    120_000,
  );

  it("the web shell, SIGTERM: exit 0 and stopped, then the rest goes once at the next sync", async () => {
    const local = await pairedFolder();
    writeFiles(local);
    world.sandbox.resetStats();
    const serve = await startServe(world.home);
    await waitFor(() => uploads() >= 5, "five uploads", 20_000);
    expect(await serve.stop()).toBe(0);
    expect(serve.stderr()).toMatch(/stopping...\nstopped\n$/);
    await restGoesOnce();
  }, 120_000);
});
