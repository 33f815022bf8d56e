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
}

export interface Settings {
  accounts(): StoredAccount[];
  saveAccounts(accounts: StoredAccount[]): void;
  moves(): Record<string, StoredMove>;
  saveMoves(moves: Record<string, StoredMove>): void;
  readonly path: string;
}

export function openSettings(home: string): Settings {
  const store = new Conf<SettingsShape>({
    cwd: home,
    configName: "settings",
    projectName: "docsync",
    defaults: { accounts: [], moves: {} },
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  return {
    accounts: () => store.get("accounts"),
    saveAccounts: (accounts) => store.set("accounts", accounts),
    moves: () => store.get("moves"),
    saveMoves: (moves) => store.set("moves", moves),
    get path() {
      return store.path;
    },
  };
}
