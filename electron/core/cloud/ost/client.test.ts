import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { startOstTestServer, type OstTestServer } from "../../../../sandbox/ost/test-server.ts";
import { CloudError, isCloudError } from "../errors.ts";
import { OstClient, type OstClientOptions, type OstUploadState } from "./client.ts";
import { md5OfFile, md5OfUrl, writeTestFile } from "../../../../testing/cloud/test-files.ts";
import { caught } from "../../../../testing/cloud/caught.ts";

const userCancel = () => new CloudError("cancelled", "cancelled by the user");

const MiB = 1024 * 1024;
const DAY = 24 * 60 * 60 * 1000;
const fastRetry = { attempts: 8, baseDelayMs: 5, maxDelayMs: 40 };

let server: OstTestServer;
let dir: string;
let clockOffset = 0;
const clients: OstClient[] = [];

beforeAll(async () => {
  server = await startOstTestServer();
  dir = mkdtempSync(join(tmpdir(), "docsync-ost-client-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  server.setFault(() => "none");
  server.advanceClock(-clockOffset);
  clockOffset = 0;
  for (const client of clients.splice(0)) client.close();
});

function client(options: Partial<OstClientOptions> = {}) {
  const created = new OstClient({
    baseUrl: server.baseUrl,
    appId: server.appId,
    apiKey: server.apiKey,
    apiSecret: server.apiSecret,
    sliceSize: 5 * MiB,
    retry: fastRetry,
    now: () => Date.now() + clockOffset,
    ...options,
  });
  clients.push(created);
  return created;
}

function moveClocks(ms: number) {
  clockOffset += ms;
  server.advanceClock(ms);
}

async function file(name: string, size: number) {
  const path = join(dir, name);
  await writeTestFile(path, size);
  return { path, md5: await md5OfFile(path) };
}

/** Records what a journal would: every saved state, and the latest. */
function journal(failAtSave?: number) {
  const saved: OstUploadState[] = [];
  return {
    saved,
    save(state: OstUploadState) {
      if (failAtSave !== undefined && saved.length + 1 >= failAtSave)
        throw new Error("the process died here");
      saved.push(structuredClone(state));
    },
    get last() {
      return saved.at(-1);
    },
  };
}

describe("OST client", () => {
  test("a small file goes in one request", async () => {
    const small = await file("small.bin", 3 * MiB + 5);
    const progress: number[] = [];
    const result = await client().upload({ path: small.path, onProgress: (sent) => progress.push(sent) });
    expect(await md5OfUrl(result.url)).toEqual({ md5: small.md5, size: 3 * MiB + 5 });
    expect(progress.at(-1)).toBe(3 * MiB + 5);
    expect((await server.stats()).requests.single).toBeGreaterThanOrEqual(1);
  });

  test("a multipart upload saves each acknowledged slice and sends each once", async () => {
    const big = await file("multi.bin", 33 * MiB + 7);
    const log = journal();
    const progress: Array<[number, number]> = [];
    const result = await client({ concurrency: 3 }).upload({
      path: big.path,
      save: log.save,
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    expect(await md5OfUrl(result.url)).toEqual({ md5: big.md5, size: 33 * MiB + 7 });
    const uploadId = log.saved[0]?.uploadId as string;
    expect(log.saved[0]?.acked).toEqual([]);
    expect(log.last?.acked.toSorted((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await server.stats()).uploads[uploadId]?.slices).toEqual({
      1: 1,
      2: 1,
      3: 1,
      4: 1,
      5: 1,
      6: 1,
      7: 1,
    });
    expect(progress.at(-1)).toEqual([33 * MiB + 7, 33 * MiB + 7]);
    expect(progress.every(([sent], i) => i === 0 || sent >= (progress[i - 1]?.[0] ?? 0))).toBe(true);
  });

  test("500s, dropped requests and lost answers on slices still complete", async () => {
    const big = await file("faults.bin", 26 * MiB);
    let n = 0;
    const seen = { "500": 0, "drop-request": 0, "drop-answer": 0 };
    server.setFault((request) => {
      if (!request.url.endsWith("/file/mpupload/upload")) return "none";
      const fault =
        (["500", "none", "drop-request", "none", "drop-answer", "none"] as const)[n++ % 6] ?? "none";
      if (fault !== "none") seen[fault]++;
      return fault;
    });
    const log = journal();
    const result = await client().upload({ path: big.path, save: log.save, multipart: true });
    expect(seen["500"] + seen["drop-request"] + seen["drop-answer"]).toBeGreaterThanOrEqual(3);
    server.setFault(() => "none");
    expect(await md5OfUrl(result.url)).toEqual({ md5: big.md5, size: 26 * MiB });
    const stats = await server.stats();
    // A slice whose answer was lost is sent again and replaces the first copy; nothing else repeats.
    const slices = stats.uploads[log.saved[0]?.uploadId as string]?.slices ?? {};
    const again = Object.values(slices).reduce((sum, count) => sum + count - 1, 0);
    expect(again).toBeLessThanOrEqual(seen["drop-answer"]);
  });

  test("a complete whose answer was lost is asked again and answers the same url", async () => {
    const small = await file("complete-lost.bin", 6 * MiB);
    let dropped = 0;
    server.setFault((request) =>
      request.url.endsWith("/file/mpupload/complete") && dropped++ === 0 ? "drop-answer" : "none",
    );
    const before = (await server.stats()).requests.completedAgain;
    const result = await client().upload({ path: small.path, multipart: true });
    expect(dropped).toBeGreaterThanOrEqual(2);
    expect((await server.stats()).requests.completedAgain).toBe(before + 1);
    expect(await md5OfUrl(result.url)).toEqual({ md5: small.md5, size: 6 * MiB });
  });

  test("faults the vendor sends to support (10002-10004, 10006, 10007) are not retried and say what to tell them", async () => {
    const small = await file("ticket.bin", 6 * MiB);
    for (const [code, status] of [
      [10002, 200],
      [10003, 200],
      [10004, 200],
      [10006, 500],
      [10007, 200],
    ] as const) {
      let calls = 0;
      server.setFault((request) => {
        if (!request.url.endsWith("/file/mpupload/init")) return "none";
        calls++;
        return { code, status };
      });
      const error = await caught(client().upload({ path: small.path, multipart: true }));
      expect(calls, `code ${code}`).toBe(1);
      expect(error).toMatchObject({ kind: "service", code });
      expect((error as Error).message).toContain(`code ${code}`);
      expect((error as Error).message).toContain("support ticket");
      expect((error as Error).message).toContain("sid ost0000injected@sandbox");
    }
  });

  test("a slice that keeps failing fails the upload as transient, and the state can continue later", async () => {
    const big = await file("flaky.bin", 12 * MiB);
    server.setFault((request) => (request.url.endsWith("/file/mpupload/upload") ? "500" : "none"));
    const log = journal();
    const error = await caught(
      client({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }).upload({
        path: big.path,
        save: log.save,
        multipart: true,
      }),
    );
    expect(isCloudError(error, "transient")).toBe(true);
    server.setFault(() => "none");
    const result = await client().upload({ path: big.path, save: log.save, resume: log.last });
    expect((await md5OfUrl(result.url)).md5).toBe(big.md5);
    expect(log.last?.uploadId).toBe(log.saved[0]?.uploadId);
  });

  test("resumes after a crash, sending again only the slices not acknowledged", async () => {
    const big = await file("resume.bin", 52 * MiB);
    const concurrency = 3;
    const crashed = journal(5); // dies while persisting the 4th acknowledged slice
    const error = await caught(client({ concurrency }).upload({ path: big.path, save: crashed.save }));
    expect((error as Error).message).toBe("the process died here");
    const state = crashed.last as OstUploadState;
    expect(state.acked).toHaveLength(3);

    const resumed = journal();
    const progress: number[] = [];
    const result = await client({ concurrency }).upload({
      path: big.path,
      resume: state,
      save: resumed.save,
      onProgress: (sent) => progress.push(sent),
    });
    expect(await md5OfUrl(result.url)).toEqual({ md5: big.md5, size: 52 * MiB });
    expect(resumed.saved.every((s) => s.uploadId === state.uploadId)).toBe(true);
    expect(progress[0]).toBe(3 * 5 * MiB);
    const slices = (await server.stats()).uploads[state.uploadId]?.slices ?? {};
    expect(Object.keys(slices)).toHaveLength(11);
    for (const id of state.acked) expect(slices[id]).toBe(1);
    const twice = Object.values(slices).filter((count) => count === 2).length;
    expect(Object.values(slices).every((count) => count <= 2)).toBe(true);
    expect(twice).toBeLessThanOrEqual(concurrency);
  });

  test("an upload id past 24 h starts a clean upload, whether the client or the server notices", async () => {
    const big = await file("expiry.bin", 11 * MiB);
    const crashed = journal(3);
    await caught(client({ concurrency: 1 }).upload({ path: big.path, save: crashed.save, multipart: true }));
    const state = crashed.last as OstUploadState;
    moveClocks(DAY + 60_000);

    // The client knows the id is too old.
    const local = journal();
    const first = await client().upload({ path: big.path, resume: state, save: local.save, multipart: true });
    expect(local.saved[0]?.uploadId).not.toBe(state.uploadId);
    expect((await md5OfUrl(first.url)).md5).toBe(big.md5);

    // The server says so (10005): a state whose clock disagrees, or an id the server lost.
    for (const stale of [
      { ...state, createdAt: Date.now() + clockOffset },
      { ...state, uploadId: "up_lost" },
    ]) {
      const fresh = journal();
      const result = await client().upload({
        path: big.path,
        resume: stale,
        save: fresh.save,
        multipart: true,
      });
      expect(fresh.saved.at(-1)?.uploadId).not.toBe(stale.uploadId);
      expect(fresh.saved.at(-1)?.acked).toHaveLength(3);
      expect((await md5OfUrl(result.url)).md5).toBe(big.md5);
    }
  });

  test("a file that changed since its upload began starts over", async () => {
    const big = await file("changed.bin", 11 * MiB);
    const crashed = journal(3);
    await caught(client({ concurrency: 1 }).upload({ path: big.path, save: crashed.save, multipart: true }));
    const state = crashed.last as OstUploadState;
    utimesSync(big.path, new Date(), new Date(Date.now() + 5000));
    const log = journal();
    const result = await client().upload({ path: big.path, resume: state, save: log.save, multipart: true });
    expect(log.saved[0]).toMatchObject({ acked: [] });
    expect(log.saved[0]?.uploadId).not.toBe(state.uploadId);
    expect((await md5OfUrl(result.url)).md5).toBe(big.md5);
    // The abandoned upload was cancelled.
    const statsBefore = (await server.stats()).requests.cancel;
    expect(statsBefore).toBeGreaterThanOrEqual(1);
  });

  test("a file that no longer matches the planned stat fails as changed", async () => {
    const big = await file("planned.bin", 6 * MiB);
    const error = await caught(client().upload({ path: big.path, expected: { size: 1, mtimeMs: 0 } }));
    expect(isCloudError(error, "changed")).toBe(true);
    const gone = await caught(client().upload({ path: join(dir, "missing.bin") }));
    expect(isCloudError(gone, "changed")).toBe(true);
  });

  /** A 40 MiB upload aborted with `reason` once two slices are acknowledged. */
  async function abortedAfterTwoSlices(name: string, reason: unknown) {
    const big = await file(name, 40 * MiB);
    const controller = new AbortController();
    const log = journal();
    const cancelsBefore = (await server.stats()).requests.cancel;
    const error = await caught(
      client({ concurrency: 2 }).upload({
        path: big.path,
        save: (state) => {
          log.save(state);
          if (state.acked.length === 2) controller.abort(reason);
        },
        signal: controller.signal,
      }),
    );
    expect(isCloudError(error, "cancelled")).toBe(true);
    return { big, log, cancelsBefore, uploadId: log.saved[0]?.uploadId as string };
  }

  test("cancel stops the slices and cancels the upload on the server", async () => {
    const { log, cancelsBefore, uploadId } = await abortedAfterTwoSlices("cancel.bin", userCancel());
    const stats = await server.stats();
    expect(stats.requests.cancel).toBe(cancelsBefore + 1);
    expect(log.saved.length).toBeGreaterThan(0);
    expect(Object.keys(stats.uploads[uploadId]?.slices ?? {}).length).toBeLessThan(8);
    const after = await caught(client().complete(uploadId));
    expect(isCloudError(after, "not-found")).toBe(true);
  });

  test("a pause (an abort that is not the user's cancel) keeps the server's upload for a resume", async () => {
    const pause = new Error("the pair was paused");
    const { big, log, cancelsBefore, uploadId } = await abortedAfterTwoSlices("paused.bin", pause);
    expect((await server.stats()).requests.cancel).toBe(cancelsBefore);
    const resumed = await client().upload({ path: big.path, resume: log.saved.at(-1), save: log.save });
    expect(resumed.size).toBe(40 * MiB);
    expect(log.saved.at(-1)?.uploadId).toBe(uploadId);
  });

  test("wrong credentials and a wrong clock are told apart", async () => {
    const wrong = await caught(client({ apiSecret: "nope" }).init());
    expect(isCloudError(wrong, "credentials")).toBe(true);
    const skewed = await caught(client({ now: () => Date.now() - 10 * 60_000 }).init());
    expect(isCloudError(skewed, "clock")).toBe(true);
  });
});
