import { expect, test } from "vitest";
import { conflictName, MAX_NAME_LENGTH, splitExtension } from "./conflict-name.ts";

const at = Date.UTC(2026, 2, 7, 9, 5);
const utc = { at, source: "KDocs", timeZone: "UTC" };

test("the copy keeps the extension after the conflict tag, in the user's time zone", () => {
  expect(conflictName("report.docx", utc)).toBe("report (conflict 2026-03-07 0905 from KDocs).docx");
  expect(conflictName("report.docx", { ...utc, timeZone: "Asia/Shanghai" })).toBe(
    "report (conflict 2026-03-07 1705 from KDocs).docx",
  );
  expect(conflictName("v1.2 notes.final.txt", utc)).toBe(
    "v1.2 notes.final (conflict 2026-03-07 0905 from KDocs).txt",
  );
  expect(conflictName("backup.tar.gz", utc)).toBe("backup (conflict 2026-03-07 0905 from KDocs).tar.gz");
});

test("names without an extension and dotfiles get the tag at the end", () => {
  expect(conflictName("Makefile", utc)).toBe("Makefile (conflict 2026-03-07 0905 from KDocs)");
  expect(conflictName(".bashrc", utc)).toBe(".bashrc (conflict 2026-03-07 0905 from KDocs)");
  expect(conflictName("trailing.", utc)).toBe("trailing. (conflict 2026-03-07 0905 from KDocs)");
  expect(splitExtension(".env.local")).toEqual([".env", ".local"]);
});

test("a taken name gets a number, the next free one", () => {
  const taken = new Set([
    "a (conflict 2026-03-07 0905 from KDocs).txt",
    "a (conflict 2026-03-07 0905 from KDocs 2).txt",
  ]);
  expect(conflictName("a.txt", { ...utc, taken: (n) => taken.has(n) })).toBe(
    "a (conflict 2026-03-07 0905 from KDocs 3).txt",
  );
});

test("a source name with characters the clouds refuse is cleaned, and a long name is cut in its base", () => {
  expect(conflictName("a.txt", { ...utc, source: 'Lee\'s PC: "work"/2' })).toBe(
    "a (conflict 2026-03-07 0905 from Lee's PC_ _work__2).txt",
  );
  expect(conflictName("a.txt", { ...utc, source: " \t" })).toBe(
    "a (conflict 2026-03-07 0905 from another device).txt",
  );
  const long = `${"长".repeat(300)}.xlsx`;
  const copy = conflictName(long, utc);
  expect([...copy].length).toBe(MAX_NAME_LENGTH);
  expect(copy.endsWith(" (conflict 2026-03-07 0905 from KDocs).xlsx")).toBe(true);
});
