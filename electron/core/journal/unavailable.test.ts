import { DatabaseSync } from "node:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { journalTrouble } from "./unavailable.ts";

test("a write lock held by another connection is the journal being busy, and nothing else is", () => {
  const dir = mkdtempSync(join(tmpdir(), "docsync-busy-"));
  try {
    const holder = new DatabaseSync(join(dir, "j.db"));
    holder.exec("pragma journal_mode = wal; create table t (x)");
    const writer = new DatabaseSync(join(dir, "j.db"));
    writer.exec("pragma busy_timeout = 10");
    holder.exec("begin immediate");
    let caught: unknown;
    try {
      writer.exec("insert into t values (1)");
    } catch (error) {
      caught = error;
    }
    expect(journalTrouble(caught)).toBe("busy");
    expect(journalTrouble(Object.assign(new Error("disk"), { code: "ENOSPC" }))).toBe("full");
    expect(journalTrouble(Object.assign(new Error("full"), { errcode: 13 }))).toBe("full");
    expect(journalTrouble(new Error("database disk image is malformed"))).toBeUndefined();
    holder.close();
    writer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
