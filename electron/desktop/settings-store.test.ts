import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { settingsVersion, type StoredAccount } from "../core/settings/schema.ts";
import { openSettings } from "../core/settings/settings.ts";
import { tempDir } from "../../testing/harness.ts";
import { openDesktopSettings } from "./settings-store.ts";

// electron-store reads the app's folders from Electron; with an absolute home it needs nothing else.
vi.mock("electron", () => ({ default: {} }));

const account: StoredAccount = {
  id: "acc-1",
  kind: "kdocs",
  name: "Work",
  baseUrl: "https://developer.kdocs.cn",
  appId: "AK123",
  sandbox: false,
  largeFiles: { baseUrl: "https://ost.example", appId: "ost-app" },
  hasAccessToken: true,
  secrets: "v1:sealed-blob",
  status: { state: "connected", checkedAt: 1_700_000_000_000 },
  createdAt: 1_700_000_000_000,
};
const move = { accountId: "acc-1", targetFolderId: "f-9", finishedAt: 1_700_000_100_000 };

let dir: ReturnType<typeof tempDir>;
let file: string;
beforeEach(() => {
  dir = tempDir("docsync-settings-");
  file = join(dir.path, "settings.json");
});
afterEach(() => dir.remove());

test("a home written by the command line or the web shell (conf) is read by the desktop app, and back", () => {
  const cli = openSettings(dir.path);
  cli.saveAccounts([account]);
  cli.saveMoves({ "task-1": move });
  const desktop = openDesktopSettings(dir.path);
  expect(desktop.path).toBe(file);
  expect(desktop.accounts()).toEqual([account]);
  expect(desktop.moves()).toEqual({ "task-1": move });

  desktop.saveAccounts([{ ...account, name: "Renamed in the app" }]);
  expect(openSettings(dir.path).accounts()).toEqual([{ ...account, name: "Renamed in the app" }]);
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test("a home from before the schema is migrated the same way by either shell, once", () => {
  const { status: _status, hasAccessToken: _token, kind: _kind, ...old } = account;
  writeFileSync(file, JSON.stringify({ accounts: [old], moves: {} }));
  const migrated = { ...account, status: { state: "unknown" }, hasAccessToken: false };
  expect(openDesktopSettings(dir.path).accounts()).toEqual([migrated]);
  const written = JSON.parse(readFileSync(file, "utf8")) as { __internal__: unknown };
  expect(written.__internal__).toEqual({ migrations: { version: settingsVersion } });
  expect(openSettings(dir.path).accounts()).toEqual([migrated]);

  writeFileSync(file, JSON.stringify({ accounts: [old], moves: {} }));
  expect(openSettings(dir.path).accounts()).toEqual([migrated]);
  expect(openDesktopSettings(dir.path).accounts()).toEqual([migrated]);
});

test("a file the schema refuses is an error naming it, in either shell, and is left as it was", () => {
  const damaged = JSON.stringify({ accounts: [{ ...account, kind: "dropbox" }], moves: {} });
  writeFileSync(file, damaged);
  for (const open of [openSettings, openDesktopSettings]) {
    expect(() => open(dir.path)).toThrow(`${file} could not be read, and was left as it is`);
    expect(readFileSync(file, "utf8")).toBe(damaged);
  }
  writeFileSync(file, "{ not json");
  expect(() => openDesktopSettings(dir.path)).toThrow(/could not be read/);
  expect(readFileSync(file, "utf8")).toBe("{ not json");
});

test("a value the schema refuses is not written", () => {
  const settings = openDesktopSettings(dir.path);
  settings.saveAccounts([account]);
  expect(() =>
    settings.saveAccounts([{ ...account, status: { state: "asleep" } } as unknown as StoredAccount]),
  ).toThrow(/schema/);
  expect(openSettings(dir.path).accounts()).toEqual([account]);
});
