/**
 * The settings the core keeps (accounts, finished moves, preferences) over a store of the shared
 * schema: `conf` for the command line and the web shell, electron-store for the desktop app.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import Conf from "conf";
import type { Preferences } from "../../../shared/model.ts";
import {
  defaultPreferences,
  settingsName,
  settingsOptions,
  type SettingsShape,
  type StoredAccount,
  type StoredMove,
} from "./schema.ts";

export type { StoredAccount, StoredMove } from "./schema.ts";
export { defaultPreferences } from "./schema.ts";

export interface Settings {
  accounts(): StoredAccount[];
  saveAccounts(accounts: StoredAccount[]): void;
  moves(): Record<string, StoredMove>;
  saveMoves(moves: Record<string, StoredMove>): void;
  preferences(): Preferences;
  savePreferences(preferences: Preferences): void;
  /** `rescanMinutes` of settings.json (default 5), from 1 minute to a day. */
  rescanIntervalMs(): number;
  readonly path: string;
}

/** The full rescan's interval when settings.json names none. */
export const DEFAULT_RESCAN_MINUTES = 5;

/** Settings over a store opened with `settingsOptions` (electron-store is a `conf` too). */
export function settingsFrom(store: Conf<SettingsShape>): Settings {
  return {
    accounts: () => store.get("accounts"),
    saveAccounts: (accounts) => store.set("accounts", accounts),
    moves: () => store.get("moves"),
    saveMoves: (moves) => store.set("moves", moves),
    // A file written before a preference existed has the others; the missing ones take their default.
    preferences: () => ({ ...defaultPreferences, ...store.get("preferences") }),
    savePreferences: (preferences) => store.set("preferences", preferences),
    rescanIntervalMs: () => {
      const minutes = store.get("rescanMinutes") ?? DEFAULT_RESCAN_MINUTES;
      return Math.min(24 * 60, Math.max(1, minutes)) * 60_000;
    },
    get path() {
      return store.path;
    },
  };
}

/** Opens (or creates) `HOME/settings.json`; a file the schema refuses is an error naming it, and stays. */
export function openSettings(home: string): Settings {
  return settingsFrom(
    openSettingsStore(
      home,
      () => new Conf<SettingsShape>({ ...settingsOptions(home), configName: settingsName }),
    ),
  );
}

/** Runs a settings store's constructor (it reads and migrates the file), naming the file if that fails. */
export function openSettingsStore<T>(home: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    const file = join(home, `${settingsName}.json`);
    throw new Error(`${file} could not be read, and was left as it is: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The preferences saved in a home, or undefined when it has no settings yet (nothing is created). */
export function storedPreferences(home: string): Preferences | undefined {
  return existsSync(join(home, `${settingsName}.json`)) ? openSettings(home).preferences() : undefined;
}
