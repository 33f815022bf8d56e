/**
 * Another process holding the journal's write lock (longer than SQLite waits for it) does not end
 * `watch`: the pair says it waits for the journal, and carries on when the lock goes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { expect, it } from "vitest";
import {
  addWorkArgs,
  collect,
  lastLine,
  lsNames,
  runCli,
  spawnCli,
  useCliWorld,
} from "../../testing/cli-harness.ts";
import { waitFor } from "../../testing/harness.ts";

const world = useCliWorld("test");

it("watch waits for a journal another process holds, says so, and goes on when it is free", async () => {
  const { root, home, sandbox } = world;
  expect((await runCli(home, ...addWorkArgs(sandbox))).code).toBe(0);
  const local = join(root, "docs");
  mkdirSync(local);
  expect((await runCli(home, "pair", "add", local, "Work:/docs")).code).toBe(0);
  const child = spawnCli(home, ["watch"]);
  const done = collect(child);
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => out.includes(`${local}: in sync`), "the first pass", 20_000);

  const holder = new DatabaseSync(join(home, "journal.db"));
  holder.exec("begin immediate");
  const heldFrom = out.length;
  try {
    for (const name of ["a.txt", "b.txt"]) writeFileSync(join(local, name), `content of ${name}`);
    await waitFor(
      () => out.slice(heldFrom).includes(`${local}: waiting for the journal: another program holds its lock`),
      "the pair to wait for the journal",
      30_000,
    );
    expect(child.exitCode).toBeNull();
  } finally {
    holder.exec("rollback");
    holder.close();
  }
  const freedFrom = out.length;
  await waitFor(() => out.slice(freedFrom).includes(`${local}: in sync`), "the pair in sync again", 30_000);
  child.kill("SIGTERM");
  const stopped = await done;
  expect(stopped.code).toBe(0);
  expect(lastLine(stopped.stdout)).toBe("stopped");
  expect(stopped.stderr).not.toContain("database is locked");
  expect(lsNames((await runCli(home, "ls", "Work:/docs")).stdout)).toEqual(["a.txt", "b.txt"]);
}, 120_000);
