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
});
