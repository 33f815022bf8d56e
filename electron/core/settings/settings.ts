/**
 * Settings in the home folder (`settings.json`, through `conf`, the plain-Node twin of electron-store).
 * Secrets never appear here in clear: accounts keep them as one SecretBox blob.
 */
import Conf from "conf";

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
  status: { state: "unknown" | "connected" | "error"; message?: string; checkedAt?: number };
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
  /** How often a watched pair is rescanned in full, to catch what its watcher missed. */
  rescanMinutes: number;
}

/** The full rescan's interval when settings.json names none, or an unusable one. */
export const DEFAULT_RESCAN_MINUTES = 5;

export interface Settings {
  accounts(): StoredAccount[];
  saveAccounts(accounts: StoredAccount[]): void;
  moves(): Record<string, StoredMove>;
  saveMoves(moves: Record<string, StoredMove>): void;
  /** `rescanMinutes` of settings.json, from 1 minute to a day. */
  rescanIntervalMs(): number;
  readonly path: string;
}

export function openSettings(home: string): Settings {
  const store = new Conf<SettingsShape>({
    cwd: home,
    configName: "settings",
    projectName: "docsync",
    defaults: { accounts: [], moves: {}, rescanMinutes: DEFAULT_RESCAN_MINUTES },
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  return {
    accounts: () => store.get("accounts"),
    saveAccounts: (accounts) => store.set("accounts", accounts),
    moves: () => store.get("moves"),
    saveMoves: (moves) => store.set("moves", moves),
    rescanIntervalMs: () => {
      const minutes = Number(store.get("rescanMinutes"));
      const usable = Number.isFinite(minutes) ? minutes : DEFAULT_RESCAN_MINUTES;
      return Math.min(24 * 60, Math.max(1, usable)) * 60_000;
    },
    get path() {
      return store.path;
    },
  };
}
