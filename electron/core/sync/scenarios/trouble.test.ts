/** When things go wrong: faults, quota, files changing or unreadable, a watcher that gives up. */
import { chmodSync, mkdirSync, openSync, closeSync, appendFileSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { CloudProvider } from "../../cloud/provider.ts";
import { waitFor } from "../../../../testing/harness.ts";
import { everyCloud } from "../../../../testing/scenario-clouds.ts";
import {
  filesOf,
  startScenario,
  type ClosableProvider,
  type Scenario,
} from "../../../../testing/scenario.ts";

let s: Scenario | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe.each(everyCloud)("%s", (_name, makeCloud) => {
  let sc: Scenario<ClosableProvider> | undefined;
  afterEach(async () => {
    await sc?.close();
    sc = undefined;
  });

  test("with 10% server errors and 2% dropped connections every file arrives exactly once", async () => {
    const faulty = (sc = await startScenario({ cloud: makeCloud() }));
    for (let i = 0; i < 80; i++) faulty.write(`f${i % 4}/file${i}.txt`, `payload ${i} `.repeat(i + 1));
    const p = await faulty.addPair("/t");
    faulty.sandbox.setFaults({ errorRate: 0.1, dropRate: 0.02 });
    const first = await faulty.t.engine.syncOnce(p.id).finally(() => faulty.sandbox.setFaults(null));
    expect(first.failures).toEqual([]);
    // The faults did hit: more upload requests than files.
    expect(faulty.uploads()).toBeGreaterThan(80);
    const tree = await faulty.remote("/t");
    expect(filesOf(tree)).toHaveLength(80);
    for (let i = 0; i < 80; i++)
      expect(tree.get(`f${i % 4}/file${i}.txt`)?.size).toBe(`payload ${i} `.repeat(i + 1).length);
    expect(await faulty.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 0, unchanged: 80 });
  });
});

test("a used-up daily quota makes the work wait for the reset; nothing fails", async () => {
  // The clock starts an hour before midnight UTC; the test moves it past midnight.
  let offset = Date.UTC(2031, 0, 1, 23, 0, 0) - Date.now();
  const clock = () => Date.now() + offset;
  s = await startScenario({
    sandbox: { quota: { writes: 6 }, now: clock },
    providerNow: clock,
    engine: { now: clock },
  });
  const sc = s;
  for (let i = 0; i < 8; i++) sc.write(`q${i}.txt`, `quota ${i}`);
  const p = await sc.addPair("/quota");
  const done = sc.t.engine.syncOnce(p.id);
  done.catch(() => {});
  const waiting = await waitFor(() => {
    const view = sc.t.engine.pairs()[0];
    return view?.state === "waiting-quota" ? view : undefined;
  }, "the pair to wait for the quota");
  // Retry-After is in whole seconds.
  expect(Math.abs(waiting.quotaResetsAt! - Date.UTC(2031, 0, 2))).toBeLessThan(2000);
  expect(waiting.issues).toEqual([]);
  expect(filesOf(await sc.remote("/quota")).length).toBeLessThan(8);
  offset += 3_600_000;
  const summary = await done;
  expect(summary).toMatchObject({ uploaded: 8, failed: 0 });
  expect(filesOf(await sc.remote("/quota"))).toHaveLength(8);
  expect(sc.t.engine.pairs()[0]?.state).toBe("idle");
});

test("a file that changes while it uploads is uploaded again once it settles, never torn", async () => {
  let changeOnce = true;
  s = await startScenario({
    wrapProvider: (provider: CloudProvider): CloudProvider => ({
      ...provider,
      verify: (signal) => provider.verify(signal),
      stat: (id, signal) => provider.stat(id, signal),
      list: (id, cursor, signal) => provider.list(id, cursor, signal),
      createFolder: (parentId, name, signal) => provider.createFolder(parentId, name, signal),
      rename: (id, name, signal) => provider.rename(id, name, signal),
      destroy: (id, signal) => provider.destroy(id, signal),
      startMove: (ids, target, signal) => provider.startMove(ids, target, signal),
      pollTask: (task, signal) => provider.pollTask(task, signal),
      upload: async (source) => {
        if (changeOnce && source.name === "growing.log") {
          changeOnce = false;
          appendFileSync(source.localPath, "a line written during the upload\n");
        }
        return provider.upload(source);
      },
    }),
  });
  const sc = s;
  const file = sc.write("growing.log", "first line\n");
  const p = await sc.addPair("/t");
  expect(await sc.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, failed: 0 });
  const entry = (await sc.remote("/t")).get("growing.log")!;
  expect(entry.size).toBe(readFileSync(file).length);
  expect(await sc.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 0, unchanged: 1 });
});

test("an unreadable file is reported and the rest syncs", async () => {
  s = await startScenario();
  const sc = s;
  sc.write("fine.txt", "fine");
  sc.write("sub/also-fine.txt", "fine");
  const secret = sc.write("secret.txt", "no access");
  chmodSync(secret, 0o000);
  // Root reads any file whatever its mode: a named pipe is the unreadable case that works for everyone.
  execFileSync("mkfifo", [join(sc.local, "pipe")]);
  const runsAsRoot = process.getuid?.() === 0;
  const p = await sc.addPair("/t");
  const summary = await sc.t.engine.syncOnce(p.id);
  chmodSync(secret, 0o644);
  const files = filesOf(await sc.remote("/t"));
  expect(files).toEqual(expect.arrayContaining(["fine.txt", "sub/also-fine.txt"]));
  expect(files).not.toContain("pipe");
  const issues = sc.t.engine.pairs()[0]!.issues;
  expect(issues).toEqual(
    expect.arrayContaining([
      {
        path: "pipe",
        reason: expect.stringMatching(/named pipe/),
        reasonPhrase: { key: "core.reason.namedPipe" },
      },
    ]),
  );
  expect(summary.failures.map((f) => f.path)).toContain("pipe");
  if (!runsAsRoot) {
    // (As root, chmod 000 does not stop reading, so secret.txt uploads and only the pipe is unreadable.)
    expect(files).not.toContain("secret.txt");
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: "secret.txt",
          reason: "cannot read: permission denied",
          reasonPhrase: { key: "core.reason.cannotRead" },
        },
      ]),
    );
  }
});

test("a failed watcher makes the pair degraded; rescans still catch every change", async () => {
  s = await startScenario({
    engine: {
      rescanIntervalMs: 200,
      watch: (_root, events) => {
        const error = Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), {
          code: "ENOSPC",
        });
        setImmediate(() => events.failed(error));
        return { close: async () => {} };
      },
    },
  });
  const sc = s;
  sc.write("before.txt", "before");
  await sc.addPair("/t");
  await sc.t.engine.start();
  const view = await waitFor(() => {
    const v = sc.t.engine.pairs()[0];
    return v?.state === "degraded" ? v : undefined;
  }, "the degraded state");
  expect(view.message).toMatch(/inotify/);
  mkdirSync(join(sc.local, "later"));
  sc.write("later/after.txt", "after");
  await waitFor(
    async () => filesOf(await sc.remote("/t")).includes("later/after.txt"),
    "the rescan to upload",
  );
  expect(filesOf(await sc.remote("/t"))).toEqual(["before.txt", "later/after.txt"]);
  expect(sc.t.engine.activity().some((e) => e.level === "warn" && /inotify/.test(e.text))).toBe(true);
});

test("a file created while watching is uploaded quickly", async () => {
  s = await startScenario();
  const sc = s;
  await sc.addPair("/t");
  await sc.t.engine.start();
  await waitFor(() => sc.t.engine.pairs()[0]?.state === "idle", "the start-up pass");
  const fd = openSync(join(sc.local, "quick.txt"), "w");
  closeSync(fd);
  sc.write("quick.txt", "hello");
  await waitFor(async () => (await sc.remote("/t")).get("quick.txt")?.size === 5, "the upload", 5000);
});
