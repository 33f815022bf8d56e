/** The KDocs provider and client against the local cloud: every endpoint, every error kind, faults. */
import { createHash } from "node:crypto";
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSandbox, type FaultSpec, type Sandbox } from "../../../../sandbox/server.ts";
import type { ServerTaskRef, ServerTaskStatus } from "../provider.ts";
import type { FetchLike } from "../http/transport.ts";
import { createKdocsProvider, type KdocsProvider, type KdocsProviderConfig } from "./provider.ts";

const md5 = (data: string | Buffer) => createHash("md5").update(data).digest("hex");
const noWait = { random: () => 0, sleep: async () => {} };

let sandbox: Sandbox;
let provider: KdocsProvider;
let dir: string;
const extra: Array<{ close(): unknown }> = [];

function connect(target: Sandbox, config: Partial<KdocsProviderConfig> = {}): KdocsProvider {
  const p = createKdocsProvider({
    baseUrl: target.url,
    appId: target.appId,
    appKey: target.appKey,
    retry: noWait,
    timeoutMs: 5_000,
    ...config,
  });
  extra.push(p);
  return p;
}

async function local(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Polls a server task with a deadline until it leaves "running". */
async function settle(p: KdocsProvider, task: ServerTaskRef): Promise<ServerTaskStatus> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await p.pollTask(task);
    if (status.state !== "running") return status;
    if (Date.now() > deadline) throw new Error(`task ${task.id} still running`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kdocs-contract-"));
  sandbox = await startSandbox({ moveItemsPerSecond: 1_000 });
  provider = connect(sandbox);
});
afterAll(async () => {
  for (const p of extra.splice(0)) await p.close();
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("files and folders", () => {
  test("create, list with paging, stat, rename, download and destroy", async () => {
    await provider.verify();
    const folder = await provider.createFolder(provider.rootId, "项目 files");
    expect(folder).toMatchObject({ kind: "folder", name: "项目 files", parentId: "0" });
    for (const name of ["c.txt", "a.txt", "b.txt"]) {
      await provider.upload({
        localPath: await local(name, `content of ${name}`),
        name,
        parentId: folder.id,
      });
    }
    await provider.createFolder(folder.id, "sub");

    // Folders first, then files by name; small pages through the client's count.
    const first = await provider.client.list(folder.id, { count: 2 });
    expect(first.entries.map((e) => e.name)).toEqual(["sub", "a.txt"]);
    const second = await provider.client.list(folder.id, { offset: first.nextOffset, count: 2 });
    expect(second.entries.map((e) => e.name)).toEqual(["b.txt", "c.txt"]);
    expect(second.nextOffset).toBeNull();
    const page = await provider.list(folder.id, null);
    expect(page.next).toBeNull();
    expect(page.entries).toHaveLength(4);

    const a = page.entries.find((e) => e.name === "a.txt")!;
    await expect(provider.stat(a.id)).resolves.toEqual(a);
    expect(a).toMatchObject({ kind: "file", size: "content of a.txt".length, md5: md5("content of a.txt") });

    const renamed = await provider.rename(a.id, "renamed.txt");
    expect(renamed).toMatchObject({ id: a.id, name: "renamed.txt" });

    const address = await provider.client.downloadAddress(a.id);
    expect(address).toMatchObject({ size: 16, md5: md5("content of a.txt") });
    const bytes = Buffer.from(await (await fetch(address.url)).arrayBuffer());
    expect(bytes.toString()).toBe("content of a.txt");
    await expect(provider.client.downloadAddress(folder.id)).rejects.toMatchObject({
      kind: "invalid",
      code: 40001,
    });

    await provider.destroy(folder.id);
    await expect(provider.stat(a.id)).rejects.toMatchObject({ kind: "not-found", code: 40004 });
    await expect(provider.stat(folder.id)).rejects.toMatchObject({ kind: "not-found" });
  });

  test("a listing cursor walks a folder of more than one page", async () => {
    const folder = await provider.createFolder("0", "many");
    for (let i = 0; i < 3; i++) await provider.createFolder(folder.id, `f${i}`);
    const names: string[] = [];
    let offset: number | null = null;
    do {
      const page = await provider.client.list(folder.id, { offset, count: 1 });
      names.push(...page.entries.map((e) => e.name));
      offset = page.nextOffset;
    } while (offset !== null);
    expect(names).toEqual(["f0", "f1", "f2"]);

    const paged = connect(sandbox, { listPageSize: 2 });
    const first = await paged.list(folder.id);
    expect(first.entries.map((e) => e.name)).toEqual(["f0", "f1"]);
    const second = await paged.list(folder.id, first.next);
    expect(second).toMatchObject({ next: null, entries: [{ name: "f2" }] });
    await expect(provider.list(folder.id, "not-a-cursor")).rejects.toMatchObject({ kind: "invalid" });
  });

  test("rule breaks come back as conflict or invalid with the server's reason", async () => {
    const folder = await provider.createFolder("0", "rules");
    const error = await provider.createFolder("0", "rules").catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "conflict", code: 40009 });
    expect((error as Error).message).toMatch(/rules/);
    await expect(provider.createFolder(folder.id, "a/b")).rejects.toMatchObject({
      kind: "invalid",
      code: 40001,
    });
    await expect(provider.createFolder("missing-folder", "x")).rejects.toMatchObject({ kind: "not-found" });
  });
});

describe("uploads", () => {
  test("a new file, a new version of it, and a name already taken", async () => {
    const folder = await provider.createFolder("0", "uploads");
    const path = await local("报告 v1.txt", "first version");
    const phases: string[] = [];
    const progress: Array<[number, number]> = [];
    const created = await provider.upload({
      localPath: path,
      name: "报告 v1.txt",
      parentId: folder.id,
      onPhase: (p) => phases.push(p),
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    expect(created).toMatchObject({
      name: "报告 v1.txt",
      parentId: folder.id,
      md5: md5("first version"),
      version: 1,
    });
    expect(phases).toEqual(["uploading"]);
    expect(progress.at(-1)).toEqual([13, 13]);

    await writeFile(path, "second, longer version");
    const replaced = await provider.upload({ localPath: path, name: "ignored", replaceId: created.id });
    expect(replaced).toMatchObject({
      id: created.id,
      name: "报告 v1.txt",
      version: 2,
      md5: md5("second, longer version"),
    });

    await expect(
      provider.upload({ localPath: path, name: "报告 v1.txt", parentId: folder.id }),
    ).rejects.toMatchObject({ kind: "conflict", code: 40009 });
  });

  test("a name with quotes and spaces arrives as given", async () => {
    const name = 'say "hi" — 你好.txt';
    const entry = await provider.upload({ localPath: await local("quoted.txt", "q"), name, parentId: "0" });
    expect(entry.name).toBe(name);
  });

  test("a path upload creates the missing folders", async () => {
    const path = await local("deep.txt", "deep");
    const entry = await provider.client.uploadFile({ localPath: path, parentPath: ["by-path", "inner"] });
    const top = (await provider.list("0")).entries.find((e) => e.name === "by-path")!;
    const inner = (await provider.list(top.id)).entries[0]!;
    expect(inner).toMatchObject({ name: "inner", kind: "folder" });
    expect(entry.parentId).toBe(inner.id);
  });

  test("a file that changed since it was planned is refused, and nothing is sent", async () => {
    const path = await local("moving.txt", "v1");
    sandbox.resetStats();
    await expect(
      provider.upload({ localPath: path, name: "moving.txt", expected: { size: 2, mtimeMs: 1 } }),
    ).rejects.toMatchObject({ kind: "changed" });
    expect(sandbox.stats()["POST /api/v1/openapi/appspace/files/upload"]).toBeUndefined();
  });

  test("a file over 64 MiB needs the large-file credentials", async () => {
    const path = join(dir, "huge.bin");
    await writeFile(path, "");
    await truncate(path, 64 * 1024 * 1024 + 1);
    const error = await provider.upload({ localPath: path, name: "huge.bin" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "needs-config" });
    expect((error as Error).message).toMatch(/64 MiB.*OST/s);
    await expect(provider.client.uploadFile({ localPath: path, parentId: "0" })).rejects.toMatchObject({
      kind: "too-large",
    });
  });

  test("with the large-file credentials, a file over 64 MiB is staged and imported", async () => {
    const path = join(dir, "large.bin");
    await writeFile(path, "");
    await truncate(path, 64 * 1024 * 1024 + 1);
    const large = connect(sandbox, { largeFiles: { baseUrl: sandbox.url, ...sandbox.ost } });
    const phases: string[] = [];
    const entry = await large.upload({
      localPath: path,
      name: "large.bin",
      parentId: "0",
      onPhase: (phase) => phases.push(phase),
    });
    expect(entry).toMatchObject({ name: "large.bin", size: 64 * 1024 * 1024 + 1 });
    expect(phases).toEqual(["staging", "importing"]);
  });

  test("an async upload imports from a URL and reports its file; a dead URL fails the task", async () => {
    const source = await provider.upload({
      localPath: await local("src.txt", "imported bytes"),
      name: "src.txt",
    });
    const { url } = await provider.client.downloadAddress(source.id);
    const taskId = await provider.client.startAsyncUpload({ url, filename: "imported.txt", parentId: "0" });
    const done = await settle(provider, { kind: "import", id: taskId });
    expect(done).toMatchObject({ state: "succeeded" });
    await expect(provider.stat(done.resultId!)).resolves.toMatchObject({
      name: "imported.txt",
      md5: md5("imported bytes"),
    });

    const dead = await provider.client.startAsyncUpload({
      url: `${sandbox.url}/no/such/download`,
      filename: "dead.txt",
      parentId: "0",
    });
    const failed = await settle(provider, { kind: "import", id: dead });
    expect(failed).toMatchObject({ state: "failed", error: { code: 40004 } });
    await expect(provider.pollTask({ kind: "import", id: "no-such-task" })).rejects.toMatchObject({
      kind: "not-found",
    });
  });
});

describe("batch move", () => {
  test("a small move completes at once; a larger one is a task to poll; failures are per item", async () => {
    const from = await provider.createFolder("0", "move-from");
    const to = await provider.createFolder("0", "move-to");
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await provider.createFolder(from.id, `item${i}`)).id);

    await expect(provider.startMove(ids.slice(0, 2), to.id)).resolves.toEqual({ done: true });
    const started = await provider.startMove([...ids.slice(2), "unknown-token"], to.id);
    expect(started.done).toBe(false);
    const status = await settle(provider, (started as { task: ServerTaskRef }).task);
    expect(status.state).toBe("partial");
    expect(status.failed).toEqual([{ id: "unknown-token", code: 40004, message: expect.any(String) }]);
    expect((await provider.list(to.id)).entries).toHaveLength(12);

    await expect(provider.startMove([ids[0]!], to.id)).rejects.toMatchObject({
      kind: "conflict",
      code: 40009,
    });
    await expect(provider.startMove([to.id], to.id)).rejects.toMatchObject({ kind: "conflict" });
    await expect(provider.startMove(new Array(101).fill(ids[0]), from.id)).rejects.toMatchObject({
      kind: "invalid",
    });
    await expect(provider.pollTask({ kind: "move", id: "nope" })).rejects.toMatchObject({
      kind: "not-found",
    });
  });
});

describe("signature and account errors", () => {
  /** A fetch that alters what goes on the wire after the request was signed. */
  const tamper =
    (change: (init: RequestInit) => RequestInit): FetchLike =>
    (input, init) =>
      fetch(input, change(init ?? {}));

  test("a wrong key, an unknown app, an altered body, another Content-Type, a skewed clock", async () => {
    await expect(connect(sandbox, { appKey: "wrong" }).verify()).rejects.toMatchObject({
      kind: "credentials",
      code: 30003,
    });
    await expect(connect(sandbox, { appId: "nobody" }).verify()).rejects.toMatchObject({
      kind: "credentials",
      code: 30005,
    });
    const altered = connect(sandbox, {
      fetchImpl: tamper((init) => ({ ...init, body: '{"name":"x","parent_token":"0"}' })),
    });
    await expect(altered.createFolder("0", "y")).rejects.toMatchObject({ kind: "credentials", code: 30003 });
    const otherType = connect(sandbox, {
      fetchImpl: tamper((init) => ({
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          "Content-Type": "application/json; charset=utf-8",
        },
      })),
    });
    await expect(otherType.createFolder("0", "z")).rejects.toMatchObject({
      kind: "credentials",
      code: 30003,
    });

    const upload = connect(sandbox, { appKey: "wrong" }).upload({
      localPath: await local("refused.bin", Buffer.alloc(4 * 1024 * 1024, 1)),
      name: "refused.bin",
    });
    await expect(upload).rejects.toMatchObject({ kind: "credentials", code: 30003 });

    const skewed = connect(sandbox, { now: () => Date.now() - 20 * 60 * 1000 });
    const error = await skewed.verify().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "clock", code: 30004 });
    expect((error as { hint?: string }).hint).toMatch(/server time/);
    const names = (await provider.list("0")).entries.map((e) => e.name);
    expect(names).not.toContain("y");
    expect(names).not.toContain("refused.bin");
  });

  test("a used-up daily quota says when it resets", async () => {
    const small = await startSandbox({ quota: { writes: 2 } });
    try {
      const p = connect(small);
      await p.createFolder("0", "one");
      await p.createFolder("0", "two");
      const error = await p.createFolder("0", "three").catch((e: unknown) => e);
      const midnight = new Date();
      midnight.setUTCHours(24, 0, 0, 0);
      expect(error).toMatchObject({ kind: "quota", code: 42900 });
      expect(Math.abs((error as { retryAt: number }).retryAt - midnight.getTime())).toBeLessThan(5_000);
      await expect(p.verify()).resolves.toBeUndefined();
    } finally {
      await small.close();
    }
  });
});

describe("faults", () => {
  test("uploads through 500s and dropped connections arrive exactly once", async () => {
    const faulty = await startSandbox();
    const uploadPath = "/api/v1/openapi/appspace/files/upload";
    // Each upload meets a 500, then a dropped connection, then a healthy server: the retry's sleep
    // moves the server to the next state.
    let script: Array<FaultSpec | null> = [];
    const p = connect(faulty, {
      retry: { attempts: 5, random: () => 0, sleep: async () => faulty.setFaults(script.shift() ?? null) },
    });
    try {
      const names = ["f1.txt", "f2.txt", "f3.txt"];
      for (const name of names) {
        faulty.setFaults({ errorRate: 1, pathPrefix: uploadPath });
        script = [{ dropRate: 1, pathPrefix: uploadPath }, null];
        const entry = await p.upload({
          localPath: await local(name, `bytes of ${name}`),
          name,
          parentId: "0",
        });
        expect(entry.md5).toBe(md5(`bytes of ${name}`));
      }
      expect((await p.list("0")).entries.map((e) => e.name)).toEqual(names);
      expect(faulty.stats()[`POST ${uploadPath}`]).toBe(3 * names.length);
    } finally {
      await faulty.close();
    }
  });

  test("uploads through random faults on every endpoint arrive exactly once", async () => {
    const faulty = await startSandbox({ faults: { errorRate: 0.3, dropRate: 0.3 } });
    try {
      const p = connect(faulty, { retry: { ...noWait, attempts: 25 } });
      const names = ["r1.txt", "r2.txt", "r3.txt", "r4.txt"];
      for (const name of names) {
        await p.upload({ localPath: await local(name, `random ${name}`), name, parentId: "0" });
      }
      faulty.setFaults(null);
      expect((await p.list("0")).entries.map((e) => e.name)).toEqual(names);
    } finally {
      await faulty.close();
    }
  });

  test("a server that does not answer in time is a transient fault", async () => {
    sandbox.setFaults({ latencyMs: 2_000 });
    try {
      const p = connect(sandbox, { timeoutMs: 150, retry: { ...noWait, attempts: 2 } });
      await expect(p.stat("anything")).rejects.toMatchObject({ kind: "transient" });
    } finally {
      sandbox.setFaults(null);
    }
  });
});
