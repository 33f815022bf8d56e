/**
 * The settings file (`HOME/settings.json`): its one schema and its migrations, for every shell. The
 * command line and the web shell open it with `conf`, the desktop app with electron-store (which is
 * `conf` inside Electron), both with these options, so a home written by one is read by the other.
 * Secrets never appear here in clear: accounts keep them as one SecretBox blob.
 */
import type Conf from "conf";
import type { Options, Schema } from "conf";
import { languages } from "../../../shared/i18n/language.ts";
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

export interface SettingsShape {
  accounts: StoredAccount[];
  moves: Record<string, StoredMove>;
  preferences: Preferences;
  /** How often a watched pair is rescanned in full, to catch what its watcher missed (default 5). */
  rescanMinutes?: number;
}

/** What a new home starts with: the system's language, notifications on, the tour not yet taken. */
export const defaultPreferences: Preferences = { language: "system", notifications: true, tourDone: false };

/** The file's name in the home folder, without its `.json`. */
export const settingsName = "settings";

/**
 * The version of the settings' shape, recorded in the file; a change of shape raises it and adds its
 * migration below. It is not the app's version: both shells must agree on it whatever app runs.
 */
export const settingsVersion = "1.0.0";

const accountSchema = {
  type: "object",
  required: ["id", "kind", "name", "baseUrl", "sandbox", "hasAccessToken", "secrets", "status", "createdAt"],
  properties: {
    id: { type: "string", minLength: 1 },
    kind: { enum: ["kdocs", "koodrive"] },
    name: { type: "string" },
    baseUrl: { type: "string" },
    appId: { type: "string" },
    sandbox: { type: "boolean" },
    largeFiles: {
      type: "object",
      required: ["baseUrl", "appId"],
      properties: { baseUrl: { type: "string" }, appId: { type: "string" } },
    },
    hasAccessToken: { type: "boolean" },
    secrets: { type: "string" },
    status: {
      type: "object",
      required: ["state"],
      properties: {
        state: { enum: ["unknown", "connected", "error"] },
        message: { type: "string" },
        messagePhrase: { type: "object", required: ["key"], properties: { key: { type: "string" } } },
        checkedAt: { type: "number" },
      },
    },
    createdAt: { type: "number" },
  },
} as const;

export const settingsSchema: Schema<SettingsShape> = {
  accounts: { type: "array", items: accountSchema },
  rescanMinutes: { type: "number" },
  moves: {
    type: "object",
    additionalProperties: {
      type: "object",
      required: ["accountId", "targetFolderId", "finishedAt"],
      properties: {
        accountId: { type: "string" },
        targetFolderId: { type: "string" },
        finishedAt: { type: "number" },
      },
    },
  },
  // A preference the file lacks (written before it existed) takes its default when read.
  preferences: {
    type: "object",
    properties: {
      language: { enum: ["system", ...languages] },
      notifications: { type: "boolean" },
      tourDone: { type: "boolean" },
    },
  },
};

/**
 * Each step brings a file from the version before to its key's version. Homes from before the schema
 * (no version in the file) were written by the same code, but by hand or by an older build an account
 * may lack what the schema now requires; 1.0.0 fills that in rather than refusing the home.
 */
export const settingsMigrations: Record<string, (store: Conf<SettingsShape>) => void> = {
  "1.0.0": (store) => {
    const accounts = store.get("accounts", []) as Partial<StoredAccount>[];
    store.set(
      "accounts",
      accounts.map((account) => ({
        ...account,
        kind: account.kind ?? "kdocs",
        sandbox: account.sandbox ?? false,
        hasAccessToken: account.hasAccessToken ?? false,
        status: account.status ?? { state: "unknown" },
        createdAt: account.createdAt ?? 0,
        // What cannot be filled in (an id, a name) is left for the schema to report.
      })) as StoredAccount[],
    );
  },
};

/** The options both shells open the file with; each adds its own name for the file. */
export function settingsOptions(home: string): Options<SettingsShape> {
  return {
    cwd: home,
    projectVersion: settingsVersion,
    schema: settingsSchema,
    migrations: settingsMigrations,
    defaults: { accounts: [], moves: {}, preferences: defaultPreferences },
    configFileMode: 0o600,
    // A file the schema refuses is reported, never replaced: it holds the accounts.
    clearInvalidConfig: false,
  };
}
