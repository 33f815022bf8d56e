/** Cloud files brought down into a folder through the real client, on each cloud of the local cloud. */
import {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  mkdirSync,
  utimesSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "../../../sandbox/server.ts";
import { tempDir } from "../../../testing/harness.ts";
import { everyCloud } from "../../../testing/scenario-clouds.ts";
import type { CloudError } from "../cloud/errors.ts";
import type { CloudProvider, RemoteEntry } from "../cloud/provider.ts";
import { downloadFile, downloadTempName, isDownloadTemp, type ExpectedTarget } from "./download-file.ts";
import { junkMatcher } from "./ignore-rules.ts";

const expectedOf = (path: string): ExpectedTarget => {
  const s = statSync(path);
  return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
};

test("a download's temporary name is ignored by the sync and recognised as a leftover", () => {
  const name = downloadTempName("report.docx");
  expect(junkMatcher()(name, false)).toBe(true);
  expect(junkMatcher()(`docs/${name}`, false)).toBe(true);
  expect(isDownloadTemp(name)).toBe(true);
  expect(isDownloadTemp("report.docx")).toBe(false);
});

describe.each(everyCloud)("%s", (_name, makeCloud) => {
  const cloud = makeCloud();
  let dir: ReturnType<typeof tempDir>;
  let local: string;
  let sandbox: Sandbox;
  let provider: CloudProvider & { close(): void };
  let remote: RemoteEntry;
  const content = "the cloud's version\n".repeat(5000);

  beforeEach(async () => {
    dir = tempDir();
    local = join(dir.path, "pair");
    mkdirSync(local);
    sandbox = await startSandbox(cloud.sandboxOptions?.({}) ?? {});
    provider = await cloud.connect(sandbox);
    const folder = await provider.createFolder(provider.rootId, "Pair");
    writeFileSync(join(dir.path, "source"), content);
    remote = await provider.upload({
      localPath: join(dir.path, "source"),
      name: "doc.txt",
      parentId: folder.id,
    });
  });
  afterEach(async () => {
    provider.close();
    await sandbox.close();
    dir.remove();
  });

  const leftovers = (folder = local) => readdirSync(folder).filter(isDownloadTemp);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail("it should fail"),
      (e: CloudError) => e,
    );

  test("a new file arrives whole with the cloud's mtime, in folders made for it, and nothing is left behind", async () => {
    const progress: number[] = [];
    const file = await downloadFile({
      provider,
      entry: remote,
      root: local,
      path: "a/b/doc.txt",
      expected: null,
      onProgress: (received) => progress.push(received),
    });
    const path = join(local, "a", "b", "doc.txt");
    expect(readFileSync(path, "utf8")).toBe(content);
    expect(statSync(path).mtimeMs).toBe(remote.mtime);
    expect(file).toMatchObject({ size: content.length, mtimeMs: remote.mtime, ino: statSync(path).ino });
    expect(file.md5).toBe(remote.md5 ?? file.md5);
    expect(progress.at(-1)).toBe(content.length);
    expect(leftovers(join(local, "a", "b"))).toEqual([]);
  });

  test("a local file that is as the caller saw it is replaced in one rename", async () => {
    const path = join(local, "doc.txt");
    writeFileSync(path, "old local version");
    const file = await downloadFile({
      provider,
      entry: remote,
      root: local,
      path: "doc.txt",
      expected: expectedOf(path),
    });
    expect(readFileSync(path, "utf8")).toBe(content);
    expect(file.size).toBe(content.length);
    expect(leftovers()).toEqual([]);
  });

  test("a local file edited since the caller looked is never overwritten", async () => {
    const path = join(local, "doc.txt");
    writeFileSync(path, "old local version");
    const planned = expectedOf(path);
    writeFileSync(path, "edited locally after the plan");
    utimesSync(path, new Date(planned.mtimeMs), new Date(planned.mtimeMs));
    const error = await failure(
      downloadFile({ provider, entry: remote, root: local, path: "doc.txt", expected: planned }),
    );
    expect(error.kind).toBe("changed");
    expect(error.message).toMatch(/doc\.txt changed on this computer/);
    expect(readFileSync(path, "utf8")).toBe("edited locally after the plan");

    // A file that appeared where the plan saw nothing is kept too.
    writeFileSync(join(local, "new.txt"), "made here meanwhile");
    const appeared = await failure(
      downloadFile({ provider, entry: remote, root: local, path: "new.txt", expected: null }),
    );
    expect(appeared.kind).toBe("changed");
    expect(readFileSync(join(local, "new.txt"), "utf8")).toBe("made here meanwhile");
    expect(leftovers()).toEqual([]);
  });

  test("a local edit made while the bytes arrive wins: the download is refused and its temporary file removed", async () => {
    const path = join(local, "doc.txt");
    writeFileSync(path, "old local version");
    let edited = false;
    const error = await failure(
      downloadFile({
        provider,
        entry: remote,
        root: local,
        path: "doc.txt",
        expected: expectedOf(path),
        onProgress: () => {
          if (edited) return;
          edited = true;
          writeFileSync(path, "saved by the user mid-download");
        },
      }),
    );
    expect(error.kind).toBe("changed");
    expect(readFileSync(path, "utf8")).toBe("saved by the user mid-download");
    expect(leftovers()).toEqual([]);
  });

  test("bytes that do not match the service's hash or size never reach the target", async () => {
    const path = join(local, "doc.txt");
    writeFileSync(path, "old local version");
    const lying = (
      change: (s: Awaited<ReturnType<CloudProvider["downloadSource"]>>) => object,
    ): CloudProvider =>
      Object.create(provider, {
        downloadSource: {
          value: async (id: string) => {
            const source = await provider.downloadSource(id);
            expect(source.digest).toBeDefined();
            return { ...source, ...change(source) };
          },
        },
      }) as CloudProvider;
    const wrongHash = lying((s) => ({ digest: { ...s.digest!, hex: "0".repeat(s.digest!.hex.length) } }));
    const damaged = await failure(
      downloadFile({
        provider: wrongHash,
        entry: remote,
        root: local,
        path: "doc.txt",
        expected: expectedOf(path),
      }),
    );
    expect(damaged.kind).toBe("transient");
    expect(damaged.message).toMatch(/arrived damaged/);
    const wrongSize = lying((s) => ({ size: s.size! + 1 }));
    const short = await failure(
      downloadFile({
        provider: wrongSize,
        entry: remote,
        root: local,
        path: "doc.txt",
        expected: expectedOf(path),
      }),
    );
    expect(short.message).toMatch(/bytes where the service said/);
    expect(readFileSync(path, "utf8")).toBe("old local version");
    expect(leftovers()).toEqual([]);
  });

  test("a path outside the folder and a cloud folder are refused with a clear error", async () => {
    const outside = await failure(
      downloadFile({ provider, entry: remote, root: local, path: "../escape.txt", expected: null }),
    );
    expect(outside.kind).toBe("invalid");
    expect(existsSync(join(dir.path, "escape.txt"))).toBe(false);
    const folder = await provider.createFolder(provider.rootId, "Just a folder");
    const notFile = await failure(
      downloadFile({ provider, entry: folder, root: local, path: "f", expected: null }),
    );
    expect(notFile.kind).toBe("invalid");
    expect(readdirSync(local)).toEqual([]);
  });
});
