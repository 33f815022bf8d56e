import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { tempDir } from "../../testing/harness.ts";
import { runCliProcess } from "../../testing/cli-harness.ts";

const scratch = tempDir("docsync-damaged-journal-");
afterEach(() => scratch.remove());

test("a damaged journal is moved aside with one line saying so, and the command runs on a fresh one", async () => {
  const home = join(scratch.path, "home");
  mkdirSync(home);
  writeFileSync(join(home, "journal.db"), "garbage where the journal was".repeat(200));
  const listed = await runCliProcess(home, "pair", "list");
  expect(listed.code).toBe(0);
  const aside = readdirSync(home).find((name) => name.startsWith("journal.db.damaged-"));
  expect(aside).toBeDefined();
  expect(listed.stderr).toBe(
    `docsync: The journal was damaged: it was moved to ${join(home, aside!)} and a fresh one started. Add the sync pairs again; nothing in your folders or in the cloud was touched.\n`,
  );
  expect(readFileSync(join(home, aside!), "utf8")).toContain("garbage where the journal was");
  expect((await runCliProcess(home, "pair", "list")).stderr).toBe("");
});
