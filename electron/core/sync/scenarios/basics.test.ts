/** Everyday changes in a paired folder, synced to each cloud on the local cloud through the real client. */
import { mkdirSync, renameSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { waitFor } from "../../../../testing/harness.ts";
import { everyCloud } from "../../../../testing/scenario-clouds.ts";
import {
  filesOf,
  startScenario,
  type ClosableProvider,
  type Scenario,
} from "../../../../testing/scenario.ts";

describe.each(everyCloud)("%s", (_name, makeCloud) => {
  let s: Scenario<ClosableProvider>;
  beforeEach(async () => {
    s = await startScenario({ cloud: makeCloud() });
  });
  afterEach(async () => {
    await s.close();
  });

  test("new files and nested folders arrive, and the remote folder is created", async () => {
    s.write("top.txt", "top");
    s.write("a/b/c/deep.txt", "deep");
    mkdirSync(join(s.local, "empty/inner"), { recursive: true });
    const p = await s.addPair("/Sync/pc");
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 2, failed: 0 });
    const tree = await s.remote("/Sync/pc");
    expect(filesOf(tree)).toEqual(["a/b/c/deep.txt", "top.txt"]);
    expect(tree.get("empty/inner")?.kind).toBe("folder");
    expect(tree.get("a/b/c/deep.txt")?.size).toBe(4);
  });

  test("an edit uploads a new version of the same cloud file", async () => {
    s.write("notes.txt", "v1");
    const p = await s.addPair("/Sync/pc");
    await s.t.engine.syncOnce(p.id);
    const before = (await s.remote("/Sync/pc")).get("notes.txt")!;
    s.write("notes.txt", "version two");
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, failed: 0 });
    const after = (await s.remote("/Sync/pc")).get("notes.txt")!;
    expect(after.id).toBe(before.id);
    expect(after.version).toBe(before.version + 1);
    expect(after.size).toBe("version two".length);
  });

  test("a same-size edit in the timestamp tick of the write the pass recorded is still uploaded, and only once", async () => {
    // Whole seconds, so setting the time again gives back exactly what the first stat saw.
    const tick = Math.floor(Date.now() / 1000);
    s.write("tick.txt", "aaaa");
    utimesSync(join(s.local, "tick.txt"), tick, tick);
    const p = await s.addPair("/Sync/pc");
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, failed: 0 });
    const before = (await s.remote("/Sync/pc")).get("tick.txt")!;
    // The second write lands in the same tick as the first: size and mtime stay as recorded.
    s.write("tick.txt", "bbbb");
    utimesSync(join(s.local, "tick.txt"), tick, tick);
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, failed: 0 });
    expect((await s.remote("/Sync/pc")).get("tick.txt")).toMatchObject({
      id: before.id,
      version: before.version + 1,
    });
    // Hashed again, and found as sent: nothing more goes up.
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 0, unchanged: 1 });
  });

  test("an editor-style atomic save (temp file, then rename over) is one new version", async () => {
    s.write("doc.txt", "first");
    const p = await s.addPair("/Sync/pc");
    await s.t.engine.syncOnce(p.id);
    const before = (await s.remote("/Sync/pc")).get("doc.txt")!;
    await s.t.engine.start();
    await waitFor(() => s.t.engine.pairs()[0]?.state === "idle", "the start-up pass");
    const uploads = s.uploads();
    writeFileSync(join(s.local, "doc.txt.sb-1234-tmp"), "second version");
    renameSync(join(s.local, "doc.txt.sb-1234-tmp"), join(s.local, "doc.txt"));
    const after = await waitFor(async () => {
      const entry = (await s.remote("/Sync/pc")).get("doc.txt");
      return entry && entry.version > before.version ? entry : undefined;
    }, "the saved version in the cloud");
    await waitFor(() => s.t.engine.pairs()[0]?.state === "idle", "the pair to settle");
    expect(after.id).toBe(before.id);
    expect(after.size).toBe("second version".length);
    expect(s.uploads()).toBe(uploads + 1);
    expect(filesOf(await s.remote("/Sync/pc"))).toEqual(["doc.txt"]);
  });

  test("a rename is a cloud rename, not an upload", async () => {
    s.write("old name.txt", "content");
    const p = await s.addPair("/Sync/pc");
    await s.t.engine.syncOnce(p.id);
    const id = (await s.remote("/Sync/pc")).get("old name.txt")!.id;
    const uploads = s.uploads();
    const renames = s.calls(s.cloud.renameEndpoint);
    renameSync(join(s.local, "old name.txt"), join(s.local, "new name.txt"));
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ renamed: 1, uploaded: 0, failed: 0 });
    expect(s.uploads()).toBe(uploads);
    expect(s.calls(s.cloud.renameEndpoint)).toBe(renames + 1);
    const tree = await s.remote("/Sync/pc");
    expect(tree.get("new name.txt")?.id).toBe(id);
    expect(tree.has("old name.txt")).toBe(false);
  });

  test("a move between folders is one batch move and keeps the cloud file ids", async () => {
    for (let i = 0; i < 3; i++) s.write(`inbox/f${i}.txt`, `file ${i}`);
    mkdirSync(join(s.local, "archive"));
    const p = await s.addPair("/Sync/pc");
    await s.t.engine.syncOnce(p.id);
    const synced = await s.remote("/Sync/pc");
    const before = [0, 1, 2].map((i) => synced.get(`inbox/f${i}.txt`)!.id);
    for (let i = 0; i < 3; i++)
      renameSync(join(s.local, `inbox/f${i}.txt`), join(s.local, `archive/f${i}.txt`));
    const uploads = s.uploads();
    const moves = s.calls(s.cloud.moveEndpoint);
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ moved: 3, uploaded: 0, failed: 0 });
    expect(s.uploads()).toBe(uploads);
    expect(s.calls(s.cloud.moveEndpoint)).toBe(moves + 1);
    const tree = await s.remote("/Sync/pc");
    expect([0, 1, 2].map((i) => tree.get(`archive/f${i}.txt`)?.id)).toEqual(before);
    expect(filesOf(tree)).toEqual(["archive/f0.txt", "archive/f1.txt", "archive/f2.txt"]);
  });

  test("a folder moved with its content is one move of the folder", async () => {
    for (let i = 0; i < 4; i++) s.write(`projects/alpha/src/m${i}.ts`, `export const m${i} = ${i};`);
    mkdirSync(join(s.local, "old"));
    const p = await s.addPair("/Sync/pc");
    await s.t.engine.syncOnce(p.id);
    const folderId = (await s.remote("/Sync/pc")).get("projects/alpha")!.id;
    renameSync(join(s.local, "projects/alpha"), join(s.local, "old/alpha-2024"));
    const moves = s.calls(s.cloud.moveEndpoint);
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ moved: 1, renamed: 1, uploaded: 0, failed: 0 });
    expect(s.calls(s.cloud.moveEndpoint)).toBe(moves + 1);
    const tree = await s.remote("/Sync/pc");
    expect(tree.get("old/alpha-2024")?.id).toBe(folderId);
    expect(filesOf(tree)).toEqual([0, 1, 2, 3].map((i) => `old/alpha-2024/src/m${i}.ts`));
    // The journal follows: nothing to do afterwards.
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ moved: 0, uploaded: 0, unchanged: 4 });
  });

  test("ignore rules: built-in junk and .docsyncignore are never uploaded", async () => {
    s.write(".docsyncignore", "build/\n*.log\n!keep.log\n");
    const ignored =
      "build/out.js app.log .DS_Store ~$report.docx .~lock.sheet.ods# scratch.tmp .notes.swp .git/config Thumbs.db";
    for (const path of ignored.split(" ")) s.write(path, "x");
    s.write("keep.log", "kept");
    s.write("report.docx", "real");
    const p = await s.addPair("/Sync/pc");
    await s.t.engine.syncOnce(p.id);
    expect(filesOf(await s.remote("/Sync/pc"))).toEqual([".docsyncignore", "keep.log", "report.docx"]);
  });
});
