import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { openSettings } from "./settings.ts";

const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function homeWith(settings: object | undefined): string {
  const home = mkdtempSync(join(tmpdir(), "docsync-settings-"));
  homes.push(home);
  if (settings) writeFileSync(join(home, "settings.json"), JSON.stringify(settings));
  return home;
}

test("the full rescan's interval is a setting, 5 minutes unless settings.json says otherwise", () => {
  expect(openSettings(homeWith(undefined)).rescanIntervalMs()).toBe(5 * 60_000);
  expect(openSettings(homeWith({ rescanMinutes: 30 })).rescanIntervalMs()).toBe(30 * 60_000);
});

test("a rescan interval out of bounds is brought within a minute and a day", () => {
  expect(openSettings(homeWith({ rescanMinutes: 0 })).rescanIntervalMs()).toBe(60_000);
  expect(openSettings(homeWith({ rescanMinutes: 1e9 })).rescanIntervalMs()).toBe(24 * 60 * 60_000);
});
