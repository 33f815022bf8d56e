/**
 * A pair's upload at every step boundary, on both clouds: a fault on each endpoint of the upload
 * sequence, and kill -9 at each step (nothing sent, some parts sent, all parts sent, the service's
 * answer lost, the answer in but not recorded). Each ends with exactly one intact copy in the cloud
 * and nothing sent twice that the service already had; a file deleted locally after such a crash
 * leaves no copy behind on a mirror pair.
 */
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { isFinalState } from "../../../../shared/model.ts";
import { killSyncAt } from "../../../../testing/crash-child.ts";
import { kdocsCloud, kooDriveCloud, type ScenarioCloud } from "../../../../testing/scenario-clouds.ts";
import {
  filesOf,
  startScenario,
  type ClosableProvider,
  type Scenario,
} from "../../../../testing/scenario.ts";

const MiB = 1024 * 1024;
/** KooDrive's smallest part: the file below is three parts there (5, 5 and 2 MiB). */
const partSize = 5 * MiB;
const fileSize = 12 * MiB;
const KOO = "/koodrive/ose/v1";

interface CloudCase {
  name: string;
  cloud: () => ScenarioCloud<ClosableProvider>;
  /** Each endpoint of the upload sequence (a path prefix for the local cloud's faults). */
  endpoints: string[];
  /** The requests that start an upload of content (counted to see an upload was not begun again). */
  starts: string;
  /** Where a killed sync stops: each step boundary of this cloud's upload. */
  kills: { step: string; point: string; resumes?: boolean }[];
}

const clouds: CloudCase[] = [
  {
    name: "KDocs",
    cloud: () => kdocsCloud(),
    endpoints: ["/api/v1/openapi/appspace/files/upload"],
    starts: "POST /api/v1/openapi/appspace/files/upload",
    kills: [
      { step: "nothing sent", point: "announced" },
      { step: "stored, not recorded", point: "stored" },
    ],
  },
  {
    name: "KooDrive",
    cloud: () => kooDriveCloud({ partSize }),
    endpoints: [
      `${KOO}/files/create`,
      `${KOO}/files/multipart/uploadUrl`,
      "/koodrive-upload/",
      `${KOO}/files/complete`,
    ],
    starts: `POST ${KOO}/files/create`,
    kills: [
      { step: "nothing sent", point: "announced" },
      { step: "the upload made, no part sent", point: "parts:0", resumes: true },
      { step: "some parts sent", point: "parts:1", resumes: true },
      { step: "all parts sent", point: "parts:3", resumes: true },
      { step: "the confirmation's answer lost", point: "answer:/files/complete", resumes: true },
      { step: "stored, not recorded", point: "stored", resumes: true },
    ],
  },
];

let s: Scenario<ClosableProvider> | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A file of `fileSize` bytes with content (the cloud's copy is checked against it). */
function bigFile(sc: Scenario<ClosableProvider>, path: string): { md5: string } {
  const content = Buffer.alloc(fileSize);
  for (let i = 0; i < content.length; i += 4096) content.write(`block ${i} of ${path}\n`, i);
  sc.write(path, content);
  return { md5: createHash("md5").update(content).digest("hex") };
}

describe.each(clouds)("$name", (c) => {
  /** The cloud holds exactly one copy of the file, whole. */
  async function expectOneIntactCopy(sc: Scenario<ClosableProvider>, md5: string, remote: string) {
    const tree = await sc.remote(remote);
    expect(filesOf(tree)).toEqual(["big.bin"]);
    const entry = tree.get("big.bin")!;
    expect(entry.size).toBe(fileSize);
    if (entry.md5 !== undefined) expect(entry.md5).toBe(md5);
    expect(sc.t.journal.uploads()).toEqual([]);
    const pair = sc.t.engine.pairs()[0]!;
    expect(sc.t.journal.remoteCreates(pair.id)).toEqual([]);
    const uploads = sc.uploads();
    expect(await sc.t.engine.syncOnce()).toMatchObject({ uploaded: 0, failed: 0, unchanged: 1 });
    expect(sc.uploads()).toBe(uploads);
  }

  test.each(c.endpoints)(
    "a fault on %s: the path fails with the service's reason, the next try finishes it",
    async (endpoint) => {
      let clock = Date.now();
      s = await startScenario({ cloud: c.cloud(), engine: { now: () => clock } });
      const sc = s;
      const { md5 } = bigFile(sc, "big.bin");
      sc.write("small.txt", "other work still flows");
      const p = await sc.addPair("/Sync", "mirror");
      sc.sandbox.setFaults({ errorRate: 1, pathPrefix: endpoint });
      const failed = await sc.t.engine.syncOnce(p.id);
      sc.sandbox.setFaults(null);
      expect(failed.failures.map((f) => f.path)).toContain("big.bin");
      const reason = failed.failures.find((f) => f.path === "big.bin")!.reason;
      expect(reason).not.toMatch(/keeps changing/);
      expect(sc.t.engine.pairs()[0]!.issues.map((i) => i.path)).toContain("big.bin");
      // Past its retry time the file goes up, once.
      clock += 2 * 3_600_000;
      expect(await sc.t.engine.syncOnce(p.id)).toMatchObject({ failed: 0 });
      const tree = await sc.remote("/Sync");
      expect(filesOf(tree)).toEqual(["big.bin", "small.txt"]);
      expect(tree.get("big.bin")!.size).toBe(fileSize);
      if (tree.get("big.bin")!.md5 !== undefined) expect(tree.get("big.bin")!.md5).toBe(md5);
      expect(sc.t.engine.pairs()[0]!.issues).toEqual([]);
    },
  );

  /** Runs the pair's sync (mirroring deletes) in a child process; kills it with SIGKILL at `point`. */
  const killAt = async (sc: Scenario<ClosableProvider>, point: string): Promise<void> => {
    const token = c.name === "KooDrive" ? await sc.sandbox.koodriveToken() : undefined;
    await killSyncAt(sc, point, {
      remote: "/crash",
      env: {
        DOCSYNC_CHILD_DELETE: "mirror",
        ...(token ? { DOCSYNC_CHILD_KOODRIVE: JSON.stringify({ token, partSize }) } : {}),
      },
    });
  };

  test.each(c.kills)(
    "kill -9 at $point ($step): the restart ends with one intact copy",
    async ({ point, resumes }) => {
      s = await startScenario({ cloud: c.cloud() });
      const sc = s;
      // The child makes the account and the pair in the scenario's home; this process's core is closed meanwhile.
      await sc.t.close();
      const { md5 } = bigFile(sc, "big.bin");
      await killAt(sc, point);
      const starts = sc.calls(c.starts);
      const t = await sc.restart();
      expect(await t.engine.syncOnce()).toMatchObject({ failed: 0 });
      // An upload the service had begun continues; one it had finished is adopted, not sent again.
      if (resumes) expect(sc.calls(c.starts)).toBe(starts);
      // The killed pass's own task is ended, not left running.
      const passes = t.tasks.snapshot().tasks.filter((task) => task.kind === "sync");
      expect(passes.filter((task) => !isFinalState(task.state))).toEqual([]);
      expect(passes).toContainEqual(
        expect.objectContaining({
          state: "failed",
          error: expect.stringMatching(/stopped during this pass/),
        }),
      );
      await expectOneIntactCopy(sc, md5, "/crash");
    },
  );

  // Found by the randomized model test (a safe save, then a pass killed after the service stored it).
  test("killed after the service stored a new version, before the journal did: it is not sent again", async () => {
    s = await startScenario({ cloud: c.cloud() });
    const sc = s;
    await sc.t.close();
    sc.write("doc.txt", "first version");
    await killAt(sc, "stored");
    let t = await sc.restart();
    expect(await t.engine.syncOnce()).toMatchObject({ failed: 0 });
    const before = (await sc.remote("/crash")).get("doc.txt")!;
    await t.close();
    sc.write("doc.txt", "second version, longer");
    await killAt(sc, "stored");
    const uploads = sc.uploads();
    t = await sc.restart();
    expect(await t.engine.syncOnce()).toMatchObject({ uploaded: 0, failed: 0 });
    expect(sc.uploads()).toBe(uploads);
    const after = (await sc.remote("/crash")).get("doc.txt")!;
    expect(after).toMatchObject({ id: before.id, size: 22, version: before.version + 1 });
    expect(t.journal.remoteCreates(t.engine.pairs()[0]!.id)).toEqual([]);
    expect(await t.engine.syncOnce()).toMatchObject({ uploaded: 0, failed: 0, unchanged: 1 });
    expect(sc.uploads()).toBe(uploads);
  });

  test("#18 case 5: killed after the service stored an upload, then deleted locally: the cloud copy goes", async () => {
    s = await startScenario({ cloud: c.cloud() });
    const sc = s;
    await sc.t.close();
    bigFile(sc, "big.bin");
    sc.write("kept.txt", "stays");
    await killAt(sc, "stored");
    rmSync(join(sc.local, "big.bin"));
    const t = await sc.restart();
    expect(await t.engine.syncOnce()).toMatchObject({ failed: 0 });
    expect(filesOf(await sc.remote("/crash"))).toEqual(["kept.txt"]);
    expect(t.journal.remoteCreates(t.engine.pairs()[0]!.id)).toEqual([]);
    expect(readFileSync(join(sc.local, "kept.txt"), "utf8")).toBe("stays");
  });
});
