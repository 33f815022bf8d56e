/** Polls of a pair's cloud folder on each cloud of the local cloud, under a schedule with a fake clock. */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../../../sandbox/server.ts";
import { tempDir } from "../../../../testing/harness.ts";
import { everyCloud } from "../../../../testing/scenario-clouds.ts";
import type { CloudProvider } from "../../cloud/provider.ts";
import { openJournal, type Journal } from "../../journal/index.ts";
import { createPollScheduler, type PollScheduler } from "./poll-budget.ts";
import { pollPair, trackRecordedFolders, type PairPoll } from "./poll-pair.ts";

const MINUTE = 60_000;

describe.each(everyCloud)("%s", (_name, makeCloud) => {
  const cloud = makeCloud();
  let dir: ReturnType<typeof tempDir>;
  let sandbox: Sandbox;
  let provider: CloudProvider & { close(): void };
  let journal: Journal;
  let clock: number;
  let scheduler: PollScheduler;
  let poll: PairPoll;

  beforeEach(async () => {
    dir = tempDir();
    sandbox = await startSandbox(cloud.sandboxOptions?.({}) ?? {});
    provider = await cloud.connect(sandbox);
    journal = openJournal(":memory:");
    const root = await provider.createFolder(provider.rootId, "Pair");
    clock = Date.UTC(2026, 0, 5, 8);
    scheduler = createPollScheduler({
      dailyQuota: 10_000,
      share: 0.1,
      minIntervalMs: MINUTE,
      maxIntervalMs: 60 * MINUTE,
    });
    poll = { scheduler, provider, journal, pair: { id: "p1", rootId: root.id }, now: () => clock };
  });
  afterEach(async () => {
    journal.close();
    provider.close();
    await sandbox.close();
    dir.remove();
  });

  const upload = (parentId: string, name: string, text: string) => {
    const localPath = join(dir.path, name);
    writeFileSync(localPath, text);
    return provider.upload({ localPath, name, parentId });
  };
  /** Calls the service received, the local cloud's own control routes aside. */
  const calls = () =>
    Object.entries(sandbox.stats())
      .filter(([endpoint]) => !endpoint.includes("/__sandbox/"))
      .reduce((sum, [, n]) => sum + n, 0);

  test("a new folder is listed next, a quiet pair is left alone, and a change is found when its folder is due", async () => {
    const docs = await provider.createFolder(poll.pair.rootId, "docs");
    await upload(docs.id, "a.txt", "one");
    const first = await pollPair(poll);
    expect(first.listed).toEqual([poll.pair.rootId]);
    expect(first.changes.map((c) => c.type)).toEqual(["added"]);
    const second = await pollPair(poll);
    expect(second.listed).toEqual([docs.id]);
    expect(second.changes).toMatchObject([{ type: "added", entry: { name: "a.txt" } }]);

    sandbox.resetStats();
    expect((await pollPair(poll)).listed).toEqual([]);
    expect(calls()).toBe(0);

    await upload(docs.id, "b.txt", "two");
    clock += 2 * MINUTE;
    sandbox.resetStats();
    const third = await pollPair(poll);
    expect(third.listed.sort()).toEqual([docs.id, poll.pair.rootId].sort());
    expect(third.changes).toMatchObject([{ type: "added", entry: { name: "b.txt" } }]);
    // The reads the schedule is charged are the calls the service saw.
    expect(third.reads).toBe(calls());
    expect(scheduler.view(clock).spentToday).toBe(first.reads + second.reads + third.reads);
    const byId = new Map(scheduler.view(clock).folders.map((f) => [f.folderId, f]));
    expect(byId.get(docs.id)!.intervalMs).toBeLessThan(byId.get(poll.pair.rootId)!.intervalMs);
  });

  test("check now lists every folder; a deleted folder is no longer polled", async () => {
    const docs = await provider.createFolder(poll.pair.rootId, "docs");
    const inner = await provider.createFolder(docs.id, "inner");
    await pollPair(poll, { everything: true });
    await pollPair(poll, { everything: true });
    const all = await pollPair(poll, { everything: true });
    expect(all.listed.sort()).toEqual([poll.pair.rootId, docs.id, inner.id].sort());

    await provider.destroy(docs.id);
    const round = await pollPair(poll, { everything: true });
    expect(round.changes).toMatchObject([{ type: "deleted", before: { id: docs.id } }]);
    expect(scheduler.view(clock).folders.map((f) => f.folderId)).toEqual([poll.pair.rootId]);
  });

  test("after a restart the recorded folders are watched again and nothing already seen is reported", async () => {
    const docs = await provider.createFolder(poll.pair.rootId, "docs");
    await upload(docs.id, "a.txt", "one");
    await pollPair(poll, { everything: true });
    await pollPair(poll, { everything: true });
    const restarted = createPollScheduler({
      dailyQuota: 100,
      share: 1,
      minIntervalMs: MINUTE,
      maxIntervalMs: MINUTE,
    });
    trackRecordedFolders({ ...poll, scheduler: restarted });
    const again = await pollPair({ ...poll, scheduler: restarted });
    expect(again.listed.sort()).toEqual([poll.pair.rootId, docs.id].sort());
    expect(again.changes).toEqual([]);
  });
});
