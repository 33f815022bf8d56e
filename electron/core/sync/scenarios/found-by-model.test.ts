/**
 * Cases the randomized model test found, each kept as a named scenario on both clouds: after every
 * pass the cloud equals the local folder, moved documents keep their cloud ids, and the next pass
 * sends nothing.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { everyCloud } from "../../../../testing/scenario-clouds.ts";
import { startScenario, type ClosableProvider, type Scenario } from "../../../../testing/scenario.ts";

describe.each(everyCloud)("%s", (_name, makeCloud) => {
  let s: Scenario<ClosableProvider>;
  beforeEach(async () => {
    s = await startScenario({ cloud: makeCloud() });
  });
  afterEach(async () => {
    await s.close();
  });

  const idle = async (pairId: string): Promise<void> => {
    const uploads = s.uploads();
    expect(await s.t.engine.syncOnce(pairId)).toMatchObject({ uploaded: 0, moved: 0, renamed: 0, failed: 0 });
    expect(s.uploads()).toBe(uploads);
  };

  test("a file renamed away and a new file at its old name: a rename and an upload, once", async () => {
    s.write("y.txt", "acug");
    s.write("a.txt", "first a");
    const p = await s.addPair("/Sync", "mirror");
    await s.t.engine.syncOnce(p.id);
    const before = await s.remote("/Sync");
    renameSync(join(s.local, "a.txt"), join(s.local, "b.txt"));
    writeFileSync(join(s.local, "a.txt"), "acug");
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, renamed: 1, failed: 0 });
    await idle(p.id);
    const after = await s.remote("/Sync");
    expect(after.get("b.txt")!.id).toBe(before.get("a.txt")!.id);
    expect([...after.keys()].sort()).toEqual(["a.txt", "b.txt", "y.txt"]);
  });

  test("a folder with an emoji above it is renamed once; the journal follows it", async () => {
    mkdirSync(join(s.local, "📁 photos/(old) 50%"), { recursive: true });
    s.write("📁 photos/(old) 50%/report 2024.docx", "");
    const p = await s.addPair("/Sync", "mirror");
    await s.t.engine.syncOnce(p.id);
    renameSync(join(s.local, "📁 photos/(old) 50%"), join(s.local, "📁 photos/B"));
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ renamed: 1, uploaded: 0, failed: 0 });
    await idle(p.id);
    const tree = await s.remote("/Sync");
    expect([...tree.keys()].sort()).toEqual(["📁 photos", "📁 photos/B", "📁 photos/B/report 2024.docx"]);
  });

  test("two folders swapped, one holding a new folder: two renames, the new folder created once", async () => {
    mkdirSync(join(s.local, "B/B"), { recursive: true });
    mkdirSync(join(s.local, "B/📁 photos"));
    const p = await s.addPair("/Sync", "mirror");
    await s.t.engine.syncOnce(p.id);
    const before = await s.remote("/Sync");
    mkdirSync(join(s.local, "B/B/(old) 50%"));
    renameSync(join(s.local, "B/B"), join(s.local, "B/t"));
    renameSync(join(s.local, "B/📁 photos"), join(s.local, "B/B"));
    renameSync(join(s.local, "B/t"), join(s.local, "B/📁 photos"));
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ renamed: 2, failed: 0 });
    await idle(p.id);
    const after = await s.remote("/Sync");
    expect([...after.keys()].sort()).toEqual(["B", "B/B", "B/📁 photos", "B/📁 photos/(old) 50%"]);
    expect(after.get("B/B")!.id).toBe(before.get("B/📁 photos")!.id);
    expect(after.get("B/📁 photos")!.id).toBe(before.get("B/B")!.id);
  });

  test("a move that renames to the name of a new file in its old folder: each keeps its content", async () => {
    s.write("a.txt", "the content of a");
    s.write("R&D+QA.xlsx", "a spreadsheet, longer than a");
    mkdirSync(join(s.local, "A"));
    const p = await s.addPair("/Sync", "mirror");
    await s.t.engine.syncOnce(p.id);
    const before = await s.remote("/Sync");
    writeFileSync(join(s.local, "y.txt"), "the content of a");
    renameSync(join(s.local, "R&D+QA.xlsx"), join(s.local, "A/y.txt"));
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, moved: 1, renamed: 1, failed: 0 });
    await idle(p.id);
    const after = await s.remote("/Sync");
    expect(after.get("A/y.txt")).toMatchObject({ id: before.get("R&D+QA.xlsx")!.id, size: 28 });
    expect(after.get("y.txt")!.size).toBe(16);
  });

  test("an atomic save inside a folder renamed in the same pass is a new version of the same document", async () => {
    s.write("A/R&D+QA.xlsx", "first version");
    const p = await s.addPair("/Sync", "mirror");
    await s.t.engine.syncOnce(p.id);
    const before = await s.remote("/Sync");
    writeFileSync(join(s.local, "A/.R&D+QA.xlsx.save.tmp"), "second version, saved atomically");
    renameSync(join(s.local, "A/.R&D+QA.xlsx.save.tmp"), join(s.local, "A/R&D+QA.xlsx"));
    renameSync(join(s.local, "A"), join(s.local, "my folder"));
    expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, renamed: 1, deleted: 0, failed: 0 });
    await idle(p.id);
    const after = await s.remote("/Sync");
    expect(after.get("my folder/R&D+QA.xlsx")).toMatchObject({
      id: before.get("A/R&D+QA.xlsx")!.id,
      size: 32,
    });
  });
});
