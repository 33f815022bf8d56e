/** A pair's cloud folder changed through the real client on each cloud; a polling round tells what changed. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "../../../../sandbox/server.ts";
import { tempDir } from "../../../../testing/harness.ts";
import { everyCloud } from "../../../../testing/scenario-clouds.ts";
import type { CloudProvider, RemoteEntry } from "../../cloud/provider.ts";
import { pollUntilFinal } from "../../cloud/task-wait.ts";
import { openJournal, type Journal } from "../../journal/index.ts";
import { pollFolders } from "./remote-state.ts";

describe.each(everyCloud)("%s", (_name, makeCloud) => {
  const cloud = makeCloud();
  let dir: ReturnType<typeof tempDir>;
  let sandbox: Sandbox;
  let provider: CloudProvider & { close(): void };
  let journal: Journal;
  let pair: { id: string; rootId: string };

  beforeEach(async () => {
    dir = tempDir();
    sandbox = await startSandbox(cloud.sandboxOptions?.({}) ?? {});
    provider = await cloud.connect(sandbox);
    journal = openJournal(":memory:");
    const root = await provider.createFolder(provider.rootId, "Pair");
    pair = { id: "p1", rootId: root.id };
  });
  afterEach(async () => {
    journal.close();
    provider.close();
    await sandbox.close();
    dir.remove();
  });

  const upload = async (parentId: string, name: string, text: string, replaceId?: string) => {
    const localPath = join(dir.path, `${name}-${text.length}`);
    writeFileSync(localPath, text);
    return provider.upload({ localPath, name, ...(replaceId ? { replaceId } : { parentId }) });
  };
  const move = async (id: string, target: string) => {
    const start = await provider.startMove([id], target);
    if (!start.done) {
      const status = await pollUntilFinal((signal) => provider.pollTask(start.task, signal), {
        firstMs: 10,
        maxMs: 50,
      });
      expect(status.state).toBe("succeeded");
    }
  };
  const summary = (changes: Awaited<ReturnType<typeof pollFolders>>["changes"]) =>
    changes
      .map((c) => (c.type === "deleted" ? `deleted ${c.before.name}` : `${c.type} ${c.entry.name}`))
      .sort();

  test("the first round adds everything; an unchanged folder answers nothing and records nothing new", async () => {
    await upload(pair.rootId, "a.txt", "one");
    const docs = await provider.createFolder(pair.rootId, "docs");
    const first = await pollFolders(provider, journal, pair, [pair.rootId]);
    expect(summary(first.changes)).toEqual(["added a.txt", "added docs"]);
    expect(first.touchedFolders).toEqual([docs.id]);
    expect(first.reads).toBe(1);
    expect(journal.remoteEntryCount(pair.id)).toBe(2);
    const again = await pollFolders(provider, journal, pair, [pair.rootId, docs.id]);
    expect(again.changes).toEqual([]);
  });

  test("an add, a new version, a rename, a move, a delete and a move out of the pair are told apart", async () => {
    const edited = await upload(pair.rootId, "edited.txt", "v1");
    const renamed = await upload(pair.rootId, "old-name.txt", "same");
    const moved = await upload(pair.rootId, "moved.txt", "moves");
    const hidden = await upload(pair.rootId, "hidden-move.txt", "moves quietly");
    const gone = await upload(pair.rootId, "gone.txt", "bye");
    const leaves = await upload(pair.rootId, "leaves.txt", "leaves the pair");
    const docs = await provider.createFolder(pair.rootId, "docs");
    const deep = await provider.createFolder(docs.id, "deep");
    const outside = await provider.createFolder(provider.rootId, "Outside");
    await pollFolders(provider, journal, pair, [pair.rootId, docs.id, deep.id]);

    await upload(pair.rootId, "new.txt", "fresh");
    const second = await upload(pair.rootId, "edited.txt", "version two", edited.id);
    await provider.rename(renamed.id, "new-name.txt");
    await move(moved.id, docs.id);
    await move(hidden.id, deep.id);
    await provider.destroy(gone.id);
    await move(leaves.id, outside.id);

    // `deep` is not listed this round: the file that went there is found by a look-up.
    const round = await pollFolders(provider, journal, pair, [pair.rootId, docs.id]);
    expect(summary(round.changes)).toEqual([
      "added new.txt",
      "deleted gone.txt",
      "deleted leaves.txt",
      "edited edited.txt",
      "moved hidden-move.txt",
      "moved moved.txt",
      "moved new-name.txt",
    ]);
    const byName = new Map(
      round.changes.flatMap((c) => (c.type === "deleted" ? [] : [[c.entry.name, c] as const])),
    );
    expect(byName.get("edited.txt")).toMatchObject({ entry: { id: edited.id, version: second.version } });
    expect(byName.get("new-name.txt")).toMatchObject({
      before: { name: "old-name.txt" },
      entry: { id: renamed.id },
    });
    expect(byName.get("moved.txt")).toMatchObject({
      before: { parentId: pair.rootId },
      entry: { parentId: docs.id },
    });
    expect(byName.get("hidden-move.txt")).toMatchObject({ entry: { parentId: deep.id } });
    // The recorded state is the cloud's now: the next round sees nothing new.
    expect(journal.remoteEntry(pair.id, gone.id)).toBeUndefined();
    expect(journal.remoteEntry(pair.id, hidden.id)?.parentId).toBe(deep.id);
    const quiet = await pollFolders(provider, journal, pair, [pair.rootId, docs.id, deep.id]);
    expect(quiet.changes).toEqual([]);
  });

  test("a deleted folder is one delete, and everything recorded below it is forgotten", async () => {
    const docs = await provider.createFolder(pair.rootId, "docs");
    const inner = await provider.createFolder(docs.id, "inner");
    await upload(inner.id, "deep.txt", "deep");
    await pollFolders(provider, journal, pair, [pair.rootId, docs.id, inner.id]);
    expect(journal.remoteEntryCount(pair.id)).toBe(3);
    await provider.destroy(docs.id);
    const round = await pollFolders(provider, journal, pair, [pair.rootId]);
    expect(round.changes).toEqual([
      { type: "deleted", before: expect.objectContaining<Partial<RemoteEntry>>({ id: docs.id }) },
    ]);
    expect(journal.remoteEntryCount(pair.id)).toBe(0);
  });
});
