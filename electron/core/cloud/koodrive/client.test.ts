/** The KooDrive client and provider against the local cloud's KooDrive endpoints. */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  startKooDriveTestServer,
  type KooDriveTestServer,
} from "../../../../sandbox/koodrive/test-server.ts";
import { isCloudError, type CloudError } from "../errors.ts";
import type { ServerTaskRef, ServerTaskStatus } from "../provider.ts";
import { createKooDriveProvider, type KooDriveProvider, type KooDriveProviderConfig } from "./provider.ts";

const MiB = 1024 * 1024;
let server: KooDriveTestServer;
let dir: string;
const providers: KooDriveProvider[] = [];

beforeEach(async () => {
  server = await startKooDriveTestServer({ itemsPerSecond: 400 });
  dir = await mkdtemp(join(tmpdir(), "koodrive-client-"));
});
afterEach(async () => {
  for (const p of providers.splice(0)) p.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function connect(overrides: Partial<KooDriveProviderConfig> = {}) {
  const { token } = await server.login();
  const provider = createKooDriveProvider({
    baseUrl: server.baseUrl,
    token,
    retry: { attempts: 3, sleep: async () => {} },
    pollIntervalMs: 20,
    ...overrides,
  });
  providers.push(provider);
  return provider;
}

async function failure(promise: Promise<unknown>): Promise<CloudError> {
  try {
    await promise;
  } catch (error) {
    if (isCloudError(error)) return error;
    throw error;
  }
  throw new Error("expected a CloudError");
}

async function waitForEnd(provider: KooDriveProvider, task: ServerTaskRef): Promise<ServerTaskStatus[]> {
  const seen: ServerTaskStatus[] = [];
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await provider.pollTask(task);
    seen.push(status);
    if (status.state !== "running") return seen;
    if (Date.now() > deadline) throw new Error("the task did not end");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

describe("folders", () => {
  test("create, list in pages, stat, rename; taken names and bad names are refused", async () => {
    const kd = await connect();
    const docs = await kd.createFolder("root", "Docs");
    expect(docs).toMatchObject({ name: "Docs", kind: "folder", parentId: "root" });
    for (const name of ["c", "a", "b"]) await kd.createFolder(docs.id, name);

    const first = await kd.client.list(docs.id, null, 2);
    expect(first.entries.map((e) => e.name)).toEqual(["a", "b"]);
    expect(first.next).not.toBeNull();
    const second = await kd.list(docs.id, first.next);
    expect(second.entries.map((e) => e.name)).toEqual(["c"]);
    expect(second.next).toBeNull();

    const renamed = await kd.rename(docs.id, "Papers");
    expect(renamed).toMatchObject({ id: docs.id, name: "Papers" });
    expect((await kd.stat(docs.id)).name).toBe("Papers");

    await kd.createFolder("root", "Other");
    expect((await failure(kd.rename(docs.id, "Other"))).kind).toBe("conflict");
    expect((await failure(kd.createFolder("root", "Other"))).kind).toBe("conflict");
    expect((await failure(kd.createFolder("root", "a/b"))).kind).toBe("invalid");
    expect((await failure(kd.stat("Fnothing"))).kind).toBe("not-found");
    expect((await failure(kd.list("Fnothing", null))).kind).toBe("not-found");
    expect((await failure(kd.list("root", "not-a-cursor"))).kind).toBe("invalid");
  });
});

describe("uploads", () => {
  test("a small file goes up in one put; its SHA-256 is the local one", async () => {
    const kd = await connect();
    const path = join(dir, "note.txt");
    await writeFile(path, "hello koodrive");
    const progress: number[] = [];
    const entry = await kd.upload({
      localPath: path,
      name: "note.txt",
      parentId: "root",
      onProgress: (n) => progress.push(n),
    });
    expect(entry).toMatchObject({ name: "note.txt", kind: "file", size: 14, version: 1 });
    expect((await kd.client.stat(entry.id)).sha256).toBe(sha256("hello koodrive"));
    expect(progress.at(-1)).toBe(14);
    expect((await failure(kd.upload({ localPath: path, name: "note.txt", parentId: "root" }))).kind).toBe(
      "conflict",
    );
  });

  test("a larger file goes up in 5 MiB parts, and a new version replaces the content", async () => {
    const kd = await connect({ partSize: 5 * MiB });
    const path = join(dir, "big.bin");
    const data = Buffer.alloc(11 * MiB + 123, 7);
    data.write("start", 0);
    await writeFile(path, data);
    const puts: string[] = [];
    server.setFault((request) => {
      if (request.method === "PUT") puts.push(request.url);
      return "none";
    });
    const entry = await kd.upload({ localPath: path, name: "big.bin", parentId: "root" });
    expect(puts).toHaveLength(3);
    expect(entry.size).toBe(data.length);
    expect((await kd.client.stat(entry.id)).sha256).toBe(sha256(data));

    await writeFile(path, "smaller now");
    const replaced = await kd.upload({ localPath: path, name: "big.bin", replaceId: entry.id });
    expect(replaced).toMatchObject({ id: entry.id, size: 11, version: 2 });
    expect((await kd.client.stat(entry.id)).sha256).toBe(sha256("smaller now"));
  });

  test("an interrupted multipart upload resumes after its last acknowledged part", async () => {
    const kd = await connect({ partSize: 5 * MiB, retry: { attempts: 1 } });
    const path = join(dir, "resume.bin");
    const data = Buffer.alloc(12 * MiB, 3);
    await writeFile(path, data);
    let state: unknown;
    const resume = { state: undefined as unknown, save: (s: unknown) => (state = s) };
    let puts = 0;
    server.setFault((request) => {
      if (request.method !== "PUT") return "none";
      puts++;
      return puts === 3 ? "drop" : "none";
    });
    expect(
      (await failure(kd.upload({ localPath: path, name: "resume.bin", parentId: "root", resume }))).kind,
    ).toBe("transient");
    expect(state).toMatchObject({ partsDone: 2 });

    puts = 0;
    const entry = await kd.upload({
      localPath: path,
      name: "resume.bin",
      parentId: "root",
      resume: { state, save: (s) => (state = s) },
    });
    expect(puts).toBe(1);
    expect((await kd.client.stat(entry.id)).sha256).toBe(sha256(data));
    expect(state).toBeUndefined();
  });

  test("a part that fails in transit is sent again and the digest still matches", async () => {
    const kd = await connect({ partSize: 5 * MiB });
    const path = join(dir, "retry.bin");
    const data = Buffer.alloc(6 * MiB, 9);
    await writeFile(path, data);
    let puts = 0;
    server.setFault((request) => (request.method === "PUT" && ++puts === 2 ? "500" : "none"));
    const entry = await kd.upload({ localPath: path, name: "retry.bin", parentId: "root" });
    expect(puts).toBe(3);
    expect((await kd.client.stat(entry.id)).sha256).toBe(sha256(data));
  });
});

describe("jobs", () => {
  test("a move job reports progress, then the items that failed and why", async () => {
    const kd = await connect();
    const source = await kd.createFolder("root", "source");
    const target = await kd.createFolder("root", "target");
    const ids: string[] = [];
    for (const name of ["a", "b", "c", "d"]) ids.push((await kd.createFolder(source.id, name)).id);
    await kd.createFolder(target.id, "c");
    await server.setPace(5);

    const start = await kd.startMove([...ids, "Fvanished"], target.id);
    expect(start.done).toBe(false);
    if (start.done) return;
    expect(start.task.kind).toBe("move");
    const seen = await waitForEnd(kd, start.task);
    expect(seen.some((s) => s.state === "running" && s.current < s.total)).toBe(true);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ state: "partial", current: 5, total: 5 });
    expect(last.failed.map((f) => f.id).sort()).toEqual(["Fvanished", ids[2]].sort());
    expect(last.failed.find((f) => f.id === ids[2])!.message).toMatch(/already taken/);
    expect((await kd.list(target.id, null)).entries.map((e) => e.name)).toEqual(["a", "b", "c", "d"]);
    expect((await kd.list(source.id, null)).entries.map((e) => e.name)).toEqual(["c"]);
  });

  test("a move job of items that all fail ends failed; destroy runs a delete job", async () => {
    const kd = await connect();
    const folder = await kd.createFolder("root", "f");
    const start = await kd.startMove(["Fnope"], folder.id);
    if (start.done) throw new Error("a KooDrive move is always a job");
    const last = (await waitForEnd(kd, start.task)).at(-1)!;
    expect(last.state).toBe("failed");
    expect(last.error?.code).toBe(13000309);

    await kd.destroy(folder.id);
    expect((await failure(kd.stat(folder.id))).kind).toBe("not-found");
    expect((await failure(kd.destroy(folder.id))).kind).toBe("not-found");
    expect((await failure(kd.startMove([], "root"))).kind).toBe("invalid");
  });
});

describe("tokens", () => {
  test("every call extends the token; 20 quiet minutes expire it; a refresh signs in again", async () => {
    const kd = await connect();
    server.advanceClock(15 * 60_000);
    await kd.verify();
    server.advanceClock(15 * 60_000);
    await kd.verify();
    server.advanceClock(20 * 60_000 + 1000);
    const expired = await failure(kd.verify());
    expect(expired.kind).toBe("credentials");
    expect(expired.hint).toMatch(/20 minutes/);

    let refreshed = 0;
    const renewing = await connect({
      refreshToken: async () => {
        refreshed++;
        return (await server.login()).token;
      },
    });
    server.advanceClock(20 * 60_000 + 1000);
    await renewing.verify();
    expect(refreshed).toBe(1);

    const stranger = await connect({ token: "not-a-token" });
    expect((await failure(stranger.verify())).kind).toBe("credentials");
  });
});

describe("faults", () => {
  test("server faults are retried; a server that keeps failing is transient", async () => {
    const kd = await connect();
    let calls = 0;
    server.setFault(() => (++calls === 1 ? "500" : "none"));
    await kd.verify();
    expect(calls).toBe(2);
    server.setFault(() => "drop");
    expect((await failure(kd.verify())).kind).toBe("transient");
  });
});

describe("download as zip", () => {
  /** A folder with a file and a subfolder, and a file at the top; the paths a zip of both holds. */
  async function selection(kd: KooDriveProvider) {
    const folder = await kd.createFolder("root", "Project");
    const sub = await kd.createFolder(folder.id, "sub");
    const files: Record<string, string> = {
      "Project/readme.md": "# hi",
      "Project/sub/data.csv": "a,b\n1,2\n",
    };
    await writeFile(join(dir, "readme.md"), files["Project/readme.md"]!);
    await writeFile(join(dir, "data.csv"), files["Project/sub/data.csv"]!);
    await writeFile(join(dir, "top.txt"), "top level");
    await kd.upload({ localPath: join(dir, "readme.md"), name: "readme.md", parentId: folder.id });
    await kd.upload({ localPath: join(dir, "data.csv"), name: "data.csv", parentId: sub.id });
    const top = await kd.upload({ localPath: join(dir, "top.txt"), name: "top.txt", parentId: "root" });
    return { ids: [folder.id, top.id], files };
  }

  test("a package is made from a share of exactly the selection, saved as a valid zip, then the share stops", async () => {
    const sent: Array<{ path: string; body: Record<string, unknown> }> = [];
    const kd = await connect({
      fetchImpl: (input, init) => {
        const path = new URL(input).pathname.replace("/koodrive/ose/v1", "");
        if (typeof init?.body === "string" || init?.body instanceof Uint8Array) {
          sent.push({ path, body: JSON.parse(Buffer.from(init.body as Uint8Array).toString()) });
        }
        return fetch(input, init);
      },
    });
    const { ids, files } = await selection(kd);
    // Slow enough that a poll on a loaded machine still lands while the package is half made.
    await server.setPace(5);

    const task = await kd.startZipDownload(ids, "selection.zip");
    expect(task.kind).toBe("share");
    const share = sent.find((call) => call.path === "/share");
    expect(share?.body).toMatchObject({ scope: 1, fileIds: ids, validDays: 1 });
    const packing = sent.find((call) => call.path === "/share/tasks");
    // The share id comes from the share just made, never from a constant.
    const shareId = packing?.body.shareId as string;
    expect(shareId).toMatch(/^\d+$/);
    expect((await failure(kd.zipDownloadUrl(task.id))).kind).toBe("invalid");
    const seen = await waitForEnd(kd, task);
    expect(seen.some((s) => s.state === "running" && s.current > 0 && s.current < 100)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ state: "succeeded", current: 100, total: 100 });

    const zipPath = join(dir, "selection.zip");
    const { bytes } = await kd.downloadZip(task.id, zipPath);
    const zip = await readFile(zipPath);
    expect(zip.length).toBe(bytes);
    expect(centralDirectoryNames(zip).sort()).toEqual(
      ["Project/", "Project/readme.md", "Project/sub/", "Project/sub/data.csv", "top.txt"].sort(),
    );
    if (existsSync("/usr/bin/unzip")) {
      expect(execFileSync("unzip", ["-tq", zipPath]).toString()).toMatch(/No errors detected/);
      for (const [name, content] of Object.entries(files)) {
        expect(execFileSync("unzip", ["-p", zipPath, name]).toString()).toBe(content);
      }
    }
    expect(sent.filter((call) => call.path === "/share/cancel").map((call) => call.body)).toEqual([
      { shareIds: [shareId] },
    ]);
    // The share is gone: nothing more can be packed from it.
    expect((await failure(kd.client.startPackage(ids, undefined, shareId))).kind).toBe("not-found");
  });

  test("items gone since the share was made make the package partial; none left, it fails", async () => {
    const kd = await connect();
    const { ids } = await selection(kd);
    await writeFile(join(dir, "gone.txt"), "soon gone");
    const gone = await kd.upload({ localPath: join(dir, "gone.txt"), name: "gone.txt", parentId: "root" });
    const shareId = await kd.client.createShare([...ids, gone.id]);
    await kd.destroy(gone.id);
    const settle = async (taskId: string) => {
      for (;;) {
        const status = await kd.client.packageStatus(taskId, shareId);
        if (status.state !== "running") return status;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const partial = await settle(await kd.client.startPackage([...ids, gone.id], "partial.zip", shareId));
    expect(partial).toMatchObject({ state: "partial", downloadUrl: expect.any(String) });
    const none = await settle(await kd.client.startPackage([gone.id], undefined, shareId));
    expect(none).toMatchObject({ state: "failed" });
    expect(none.downloadUrl).toBeUndefined();
    // A share cannot be made of what does not exist, nor of more than 100 items.
    expect((await failure(kd.startZipDownload(["Fmissing"]))).kind).toBe("not-found");
    expect(
      (await failure(kd.startZipDownload(Array.from({ length: 101 }, (_, i) => `F${i}`)))).message,
    ).toMatch(/at most 100 items/);
  });
});

/** Entry names from the zip's central directory, found through its end record. */
function centralDirectoryNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(offset)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extra = zip.readUInt16LE(offset + 30);
    const comment = zip.readUInt16LE(offset + 32);
    names.push(zip.toString("utf8", offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extra + comment;
  }
  return names;
}
