/**
 * Settings in the home folder (`settings.json`, through `conf`, the plain-Node twin of electron-store).
 * Secrets never appear here in clear: accounts keep them as one SecretBox blob.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import Conf from "conf";
import type { Preferences } from "../../../shared/model.ts";
import type { Phrase } from "../words.ts";

export interface StoredAccount {
  id: string;
  kind: "kdocs" | "koodrive";
  name: string;
  baseUrl: string;
  appId?: string;
  sandbox: boolean;
  /** Non-secret part of the OST staging credentials. */
  largeFiles?: { baseUrl: string; appId: string };
  hasAccessToken: boolean;
  /** SecretBox blob of the JSON of `AccountSecrets`. */
  secrets: string;
  status: {
    state: "unknown" | "connected" | "error";
    message?: string;
    /** The message's phrase (a catalog key and values), for shells in another language. */
    messagePhrase?: Phrase;
    checkedAt?: number;
  };
  createdAt: number;
}

/** What a finished move needs to be retried after a restart. */
export interface StoredMove {
  accountId: string;
  targetFolderId: string;
  finishedAt: number;
}

interface SettingsShape {
  accounts: StoredAccount[];
  moves: Record<string, StoredMove>;
  preferences: Preferences;
}

/** What a new home starts with: the system's language, notifications on, the tour not yet taken. */
export const defaultPreferences: Preferences = { language: "system", notifications: true, tourDone: false };

export interface Settings {
  accounts(): StoredAccount[];
  saveAccounts(accounts: StoredAccount[]): void;
  moves(): Record<string, StoredMove>;
  saveMoves(moves: Record<string, StoredMove>): void;
  preferences(): Preferences;
  savePreferences(preferences: Preferences): void;
  readonly path: string;
}

export function openSettings(home: string): Settings {
  const store = new Conf<SettingsShape>({
    cwd: home,
    configName: "settings",
    projectName: "docsync",
    defaults: { accounts: [], moves: {}, preferences: defaultPreferences },
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  return {
    accounts: () => store.get("accounts"),
    saveAccounts: (accounts) => store.set("accounts", accounts),
    moves: () => store.get("moves"),
    saveMoves: (moves) => store.set("moves", moves),
    // A file written before a preference existed has the others; the missing ones take their default.
    preferences: () => ({ ...defaultPreferences, ...store.get("preferences") }),
    savePreferences: (preferences) => store.set("preferences", preferences),
    get path() {
      return store.path;
    },
  };
}

/** The preferences saved in a home, or undefined when it has no settings yet (nothing is created). */
export function storedPreferences(home: string): Preferences | undefined {
  return existsSync(join(home, "settings.json")) ? openSettings(home).preferences() : undefined;
}
