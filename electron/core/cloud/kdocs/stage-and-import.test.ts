/** The large-file path end to end against the local cloud: OST staging, then the KDocs import. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CONTROL_TOKEN_HEADER, startSandbox, type Sandbox } from "../../../../sandbox/server.ts";
import { CloudError, isCloudError } from "../errors.ts";
import { createOstStaging } from "../ost/provider.ts";
import { md5OfFile, writeTestFile } from "../../../../testing/cloud/test-files.ts";
import { caught } from "../../../../testing/cloud/caught.ts";
import type { ServiceNotice } from "../notices.ts";
import type { ServerTaskStatus, StagingProvider, UploadSource } from "../provider.ts";
import { KdocsClient } from "./client.ts";
import { stageAndImport, type StagingState } from "./upload.ts";

const userCancel = () => new CloudError("cancelled", "cancelled by the user");

const MiB = 1024 * 1024;

interface OstStats {
  requests: Record<string, number>;
  uploads: Record<string, { slices: Record<string, number> }>;
}

let sandbox: Sandbox;
let kdocs: KdocsClient;
let dir: string;
let big: { path: string; md5: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "docsync-stage-"));
  sandbox = await startSandbox();
  kdocs = new KdocsClient({ baseUrl: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey });
  big = { path: join(dir, "big.bin"), md5: "" };
  await writeTestFile(big.path, 150 * MiB);
  big.md5 = await md5OfFile(big.path);
});
afterAll(async () => {
  for (const staging of stagings) staging.close();
  kdocs?.close();
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The OST slices acknowledged in a staging state (-1 for the later phases). */
const acked = (state: StagingState) => (state.phase === "staging" ? (state.acked as number[]).length : -1);

const stagings: StagingProvider[] = [];
/** The OST staging store of the account, as the provider makes it. */
const ost = () => {
  const staging = createOstStaging({ baseUrl: sandbox.url, ...sandbox.ost });
  stagings.push(staging);
  return staging;
};

async function ostStats(): Promise<OstStats> {
  const headers = { [CONTROL_TOKEN_HEADER]: sandbox.controlToken };
  return (await (await fetch(`${sandbox.url}/__sandbox/ost/stats`, { headers })).json()) as OstStats;
}

async function folder(name: string): Promise<string> {
  return (await kdocs.createFolder("0", `${name}-${Date.now()}`)).id;
}

/** The journal a caller keeps: the states saved, and a crash (a throw) at a chosen save. */
function journal(initial?: unknown, crashWhen?: (state: StagingState, index: number) => boolean) {
  const saved: StagingState[] = [];
  let state: unknown = initial;
  return {
    saved,
    get state() {
      return state;
    },
    resume: {
      state: initial,
      save(next: unknown) {
        if (crashWhen?.(next as StagingState, saved.length)) throw new Error("the process died here");
        saved.push(structuredClone(next) as StagingState);
        state = next;
      },
    },
  };
}

describe("stage and import", () => {
  test("a 150 MiB file arrives whole, with the local file's MD5", async () => {
    const parentId = await folder("whole");
    const phases: string[] = [];
    const progress: Array<[number, number]> = [];
    const log = journal();
    const entry = await stageAndImport(
      {
        localPath: big.path,
        name: "big.bin",
        parentId,
        onPhase: (phase) => phases.push(phase),
        onProgress: (sent, total) => progress.push([sent, total]),
        resume: log.resume,
      },
      ost(),
      kdocs,
    );
    expect(entry).toMatchObject({ name: "big.bin", parentId, size: 150 * MiB, md5: big.md5, kind: "file" });
    expect(phases).toEqual(["staging", "importing"]);
    expect(progress).toContainEqual([150 * MiB, 150 * MiB]);
    expect(log.saved.map((s) => s.phase)).toEqual([
      ...Array(log.saved.length - 2).fill("staging"),
      "staged",
      "importing",
    ]);
    const uploadId = (log.saved[0] as unknown as { uploadId: string }).uploadId;
    const slices = (await ostStats()).uploads[uploadId]?.slices ?? {};
    expect(Object.keys(slices)).toHaveLength(19);
    expect(Object.values(slices).every((count) => count === 1)).toBe(true);
  });

  test("crashes at three points of staging resume from the saved state; the file arrives once", async () => {
    const parentId = await folder("crashes");
    const source = (resume: UploadSource["resume"]): UploadSource => ({
      localPath: big.path,
      name: "resumed.bin",
      parentId,
      resume,
    });
    const crashes: Array<(state: StagingState) => boolean> = [
      (state) => acked(state) === 1, // the first slice acknowledged
      (state) => acked(state) === 10, // half way
      (state) => state.phase === "staged", // every slice sent and the upload completed
    ];
    let state: unknown;
    for (const crash of crashes) {
      const log = journal(state, crash);
      const error = await caught(stageAndImport(source(log.resume), ost(), kdocs));
      expect((error as Error).message).toBe("the process died here");
      state = log.state;
    }
    const before = await ostStats();
    const finish = journal(state);
    const entry = await stageAndImport(source(finish.resume), ost(), kdocs);
    expect(entry).toMatchObject({ size: 150 * MiB, md5: big.md5 });

    const uploadId = (state as { uploadId: string }).uploadId;
    const after = await ostStats();
    // The last crash lost only the answer of complete: no slice was sent again for it.
    expect(after.requests.upload).toBe(before.requests.upload);
    expect(after.requests.init).toBe(before.requests.init);
    // Complete was asked again and answered the same url.
    expect(after.requests.completedAgain).toBe((before.requests.completedAgain ?? 0) + 1);
    const slices = after.uploads[uploadId]?.slices ?? {};
    expect(Object.keys(slices)).toHaveLength(19);
    const counts = Object.values(slices);
    expect(counts.every((count) => count <= 2)).toBe(true);
    // Only slices in flight at a crash (4 at a time) can have been stored twice.
    expect(counts.filter((count) => count === 2).length).toBeLessThanOrEqual(2 * 4);
    const listing = await kdocs.list(parentId);
    expect(listing.entries.map((e) => e.name)).toEqual(["resumed.bin"]);
  });

  test("a restart during the import polls the same task instead of staging again", async () => {
    const parentId = await folder("import-restart");
    const log = journal();
    const error = await caught(
      stageAndImport(
        {
          localPath: big.path,
          name: "imported.bin",
          parentId,
          resume: log.resume,
          waitForTask: async () => {
            throw new Error("the process died here");
          },
        },
        ost(),
        kdocs,
      ),
    );
    expect((error as Error).message).toBe("the process died here");
    expect(log.state).toMatchObject({ phase: "importing", taskId: expect.any(String) });

    const before = await ostStats();
    sandbox.resetStats();
    const polled: string[] = [];
    const phases: string[] = [];
    const resumed = journal(log.state);
    const entry = await stageAndImport(
      {
        localPath: big.path,
        name: "imported.bin",
        parentId,
        resume: resumed.resume,
        onPhase: (phase) => phases.push(phase),
        waitForTask: async (task, onProgress) => {
          polled.push(task.id);
          const deadline = Date.now() + 20_000;
          for (;;) {
            const status: ServerTaskStatus = await kdocs.asyncUploadStatus(task.id);
            onProgress(status.current, status.total);
            if (status.state !== "running" || Date.now() > deadline) return status;
            await new Promise((r) => setTimeout(r, 50));
          }
        },
      },
      ost(),
      kdocs,
    );
    expect(entry).toMatchObject({ name: "imported.bin", md5: big.md5 });
    expect(polled).toEqual([(log.state as { taskId: string }).taskId]);
    expect(phases).toEqual(["importing"]);
    expect((await ostStats()).requests).toEqual(before.requests);
    expect(sandbox.stats()["POST /api/v1/openapi/appspace/file/async/upload"]).toBeUndefined();
  });

  test("an upload id the server no longer knows (10005) starts a clean upload", async () => {
    const parentId = await folder("expired");
    const path = join(dir, "expired.bin");
    await writeTestFile(path, 20 * MiB);
    const crashed = journal(undefined, (state) => acked(state) === 2);
    await caught(
      stageAndImport(
        { localPath: path, name: "expired.bin", parentId, resume: crashed.resume },
        ost(),
        kdocs,
      ),
    );
    const stale = { ...(crashed.state as object), uploadId: "up_expired_or_lost" };
    const log = journal(stale);
    const entry = await stageAndImport(
      { localPath: path, name: "expired.bin", parentId, resume: log.resume },
      ost(),
      kdocs,
    );
    expect(entry.md5).toBe(await md5OfFile(path));
    const restarted = log.saved.find((s) => s.phase === "staging");
    expect(restarted).toMatchObject({ acked: [] });
    expect((restarted as unknown as { uploadId: string }).uploadId).not.toBe("up_expired_or_lost");
  });

  test("cancel stops the slices and cancels the staged upload", async () => {
    const controller = new AbortController();
    const before = (await ostStats()).requests.cancel ?? 0;
    const log = journal(undefined, (state) => {
      if (acked(state) === 3) controller.abort(userCancel());
      return false;
    });
    const error = await caught(
      stageAndImport(
        { localPath: big.path, name: "cancelled.bin", resume: log.resume, signal: controller.signal },
        ost(),
        kdocs,
      ),
    );
    expect(isCloudError(error, "cancelled")).toBe(true);
    expect((await ostStats()).requests.cancel).toBe(before + 1);
    expect(log.saved.some((s) => s.phase === "importing")).toBe(false);
  });

  test("a file that no longer matches the planned stat fails as changed, before anything is sent", async () => {
    const before = (await ostStats()).requests;
    const error = await caught(
      stageAndImport(
        { localPath: big.path, name: "changed.bin", expected: { size: 150 * MiB, mtimeMs: 1 } },
        ost(),
        kdocs,
      ),
    );
    expect(isCloudError(error, "changed")).toBe(true);
    expect((await ostStats()).requests).toEqual(before);
  });

  test("500s and dropped connections on slice uploads still complete", async () => {
    const parentId = await folder("faults");
    sandbox.setFaults({ errorRate: 0.15, dropRate: 0.1, pathPrefix: "/file/mpupload/upload" });
    try {
      const entry = await stageAndImport({ localPath: big.path, name: "faulty.bin", parentId }, ost(), kdocs);
      expect(entry).toMatchObject({ size: 150 * MiB, md5: big.md5 });
    } finally {
      sandbox.setFaults(null);
    }
    expect(sandbox.stats()["POST /file/mpupload/upload"]).toBeGreaterThan(19);
  });

  test("a new version ends as one current copy, in its folder, under its name, whether or not the service honours file_token", async () => {
    for (const ignoreUndocumented of [false, true]) {
      sandbox.setQuirks({ ignoreUndocumented });
      const notices: ServiceNotice[] = [];
      const client = new KdocsClient({
        baseUrl: sandbox.url,
        appId: sandbox.appId,
        appKey: sandbox.appKey,
        onNotice: (notice) => notices.push(notice),
      });
      try {
        const parentId = await folder(ignoreUndocumented ? "ignored" : "honoured");
        const first = join(dir, "v1.bin");
        const second = join(dir, "v2.bin");
        await writeTestFile(first, 1 * MiB);
        await writeTestFile(second, 2 * MiB + 7);
        const original = await stageAndImport(
          { localPath: first, name: "report.bin", parentId },
          ost(),
          client,
        );
        const phases: string[] = [];
        const replaced = await stageAndImport(
          { localPath: second, name: "report.bin", replaceId: original.id, onPhase: (p) => phases.push(p) },
          ost(),
          client,
        );
        const listing = await client.list(parentId);
        expect(listing.entries.map((e) => e.name)).toEqual(["report.bin"]);
        expect(listing.entries[0]).toMatchObject({ id: replaced.id, md5: await md5OfFile(second) });
        expect(replaced).toMatchObject({ name: "report.bin", parentId, size: 2 * MiB + 7 });
        expect(phases).toEqual(["staging", "importing"]);
        if (ignoreUndocumented) {
          // A new file took the old one's place, and the service's way of doing it was noted.
          expect(replaced.id).not.toBe(original.id);
          await expect(client.stat(original.id)).rejects.toMatchObject({ kind: "not-found" });
          expect(notices).toContainEqual(
            expect.objectContaining({ kind: "ignored-field", field: "file_token" }),
          );
        } else {
          expect(replaced).toMatchObject({ id: original.id, version: original.version + 1 });
          expect(notices).toEqual([]);
        }
      } finally {
        client.close();
        sandbox.setQuirks({});
      }
    }
  });
});
