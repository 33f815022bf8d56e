/**
 * Another process holding the journal's write lock (longer than SQLite waits for it) does not end
 * `watch`: the pair says it waits for the journal, and carries on when the lock goes.
 */
import { writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { expect, it } from "vitest";
import {
  lastLine,
  lsNames,
  pairNewFolder,
  runCliProcess,
  startWatch,
  useCliWorld,
} from "../../testing/cli-harness.ts";
import { waitFor } from "../../testing/harness.ts";

const world = useCliWorld("test");

it("watch waits for a journal another process holds, says so, and goes on when it is free", async () => {
  const { home } = world;
  const local = await pairNewFolder(world);
  const watch = await startWatch(home, local);

  const holder = new DatabaseSync(join(home, "journal.db"));
  holder.exec("begin immediate");
  const heldFrom = watch.out().length;
  try {
    for (const name of ["a.txt", "b.txt"]) writeFileSync(join(local, name), `content of ${name}`);
    await waitFor(
      () =>
        watch
          .out()
          .slice(heldFrom)
          .includes(`${local}: waiting for the journal: another program holds its lock`),
      "the pair to wait for the journal",
      30_000,
    );
    expect(watch.child.exitCode).toBeNull();
  } finally {
    holder.exec("rollback");
    holder.close();
  }
  const freedFrom = watch.out().length;
  await waitFor(
    () => watch.out().slice(freedFrom).includes(`${local}: in sync`),
    "the pair in sync again",
    30_000,
  );
  watch.child.kill("SIGTERM");
  const stopped = await watch.done;
  expect(stopped.code).toBe(0);
  expect(lastLine(stopped.stdout)).toBe("stopped");
  expect(stopped.stderr).not.toContain("database is locked");
  expect(lsNames((await runCliProcess(home, "ls", "Work:/docs")).stdout)).toEqual(["a.txt", "b.txt"]);
}, 120_000);
