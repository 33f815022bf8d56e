/** The real shells on one home: it stays private, and only one process uses it at a time. */
import { once } from "node:events";
import { chmodSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, expect, test } from "vitest";
import { runCliProcess } from "../../testing/cli-harness.ts";
import { tempDir, waitFor } from "../../testing/harness.ts";
import { startServe, type ServeProcess } from "../../testing/serve-process.ts";

const scratch = tempDir("docsync-one-home-");
const running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((serve) => serve.stop()));
  scratch.remove();
});

async function serveOn(home: string): Promise<ServeProcess> {
  const serve = await startServe(home, { umask: "022" });
  running.push(serve);
  return serve;
}

/** Every entry below `root` whose mode is not 0700 (folders) or 0600 (files), with its mode. */
function notPrivate(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const info = lstatSync(path);
      if (info.isSymbolicLink()) continue;
      const want = info.isDirectory() ? 0o700 : 0o600;
      if ((info.mode & 0o777) !== want)
        found.push(`${relative(root, path)} ${(info.mode & 0o777).toString(8)}`);
      if (info.isDirectory()) walk(path);
    }
  };
  walk(root);
  return found;
}

async function call(serve: ServeProcess, channel: string, input: unknown): Promise<unknown> {
  const answer = await fetch(`http://127.0.0.1:${serve.port}/api/${channel}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-docsync-token": serve.token },
    body: JSON.stringify(input),
  });
  const body = (await answer.json()) as { ok: boolean; result: unknown; error?: { message: string } };
  if (!body.ok) throw new Error(`${channel}: ${body.error?.message}`);
  return body.result;
}

test("a web shell started under umask 022 keeps its home private: the home 0700, every file 0600, the local cloud's documents too", async () => {
  const home = join(scratch.path, "home");
  // A home from before: opened to everyone.
  mkdirSync(join(home, "old"), { recursive: true });
  chmodSync(home, 0o755);
  chmodSync(join(home, "old"), 0o755);
  writeFileSync(join(home, "old", "notes.txt"), "old", { mode: 0o644 });

  const serve = await serveOn(home);
  expect(serve.url, serve.stderr()).not.toBe("");
  const [account] = (await call(serve, "accounts.list", {})) as { id: string }[];
  const document = join(scratch.path, "report.txt");
  writeFileSync(document, "the user's document");
  const { taskIds } = (await call(serve, "uploads.fromPaths", {
    accountId: account!.id,
    folderId: "0",
    paths: [document],
  })) as { taskIds: string[] };
  await waitFor(async () => {
    const { tasks } = (await call(serve, "tasks.snapshot", {})) as { tasks: { id: string; state: string }[] };
    return tasks.find((task) => task.id === taskIds[0])?.state === "succeeded";
  }, "the upload");

  const names = readdirSync(home);
  expect(names).toEqual(
    expect.arrayContaining(["journal.db", "journal.db-wal", "journal.db-shm", "settings.json", "secret.key"]),
  );
  expect(readdirSync(join(home, "sandbox"))).toEqual(expect.arrayContaining(["appspace.sqlite", "blobs"]));
  expect(lstatSync(home).mode & 0o777).toBe(0o700);
  expect(notPrivate(home)).toEqual([]);
  // The printed address is the one place the token appears.
  expect(serve.stderr()).not.toContain(serve.token);
});

test("one home, one process: a second shell and the command line are told in one line who holds it, until that process dies", async () => {
  const home = join(scratch.path, "home");
  const first = await serveOn(home);
  expect(first.url, first.stderr()).not.toBe("");
  const line = `docsync: ${home} is in use by the web shell (pid ${first.child.pid}); stop it first, or give this one another --home.\n`;

  const second = await serveOn(home);
  expect(await second.stop()).toBe(1);
  expect(second.url).toBe("");
  expect(second.stderr()).toBe(line);

  expect(await runCliProcess(home, "account", "list")).toEqual({ code: 1, stdout: "", stderr: line });

  // However the holder ends, even by kill -9, the home is free again.
  const gone = once(first.child, "exit");
  first.child.kill("SIGKILL");
  await gone;
  const third = await serveOn(home);
  expect(third.url, third.stderr()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
});
