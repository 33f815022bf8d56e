/**
 * The accounts: their settings (secrets only as SecretBox blobs), a real check of the credentials,
 * and one cached provider per account.
 */
import { randomUUID } from "node:crypto";
import type { ChannelArgs } from "../../../shared/contract.ts";
import type { AccountView } from "../../../shared/model.ts";
import type { NoticeSink, ServiceNotice } from "../cloud/notices.ts";
import type { CloudProvider } from "../cloud/provider.ts";
import { describeCloudError, IpcFailure, ipcFailure, toIpcError } from "../ipc-error.ts";
import { CloudError } from "../cloud/errors.ts";
import type { SecretBox } from "../secrets/secret-box.ts";
import type { Settings, StoredAccount } from "../settings/settings.ts";
import { traitsOf } from "../cloud/services.ts";

export type AccountInput = ChannelArgs<"accounts.add">;

export interface KdocsConfig {
  baseUrl: string;
  appId: string;
  appKey: string;
  largeFiles?: { baseUrl: string; appId: string; apiKey: string; apiSecret: string };
  /** Told what the service answers beyond the contract. */
  onNotice?: NoticeSink;
}

export interface KooDriveConfig {
  baseUrl: string;
  token: string;
  /** Signs in again when KooDrive refuses the token (only where docsync can: the local cloud). */
  refreshToken?: () => Promise<string>;
  onNotice?: NoticeSink;
}

/** A provider may hold connections; `close` releases them when the account changes or the core stops. */
export type ClosableProvider = CloudProvider & { close?(): void };
export type ProviderFactory = (config: KdocsConfig) => ClosableProvider;
export type KooDriveProviderFactory = (config: KooDriveConfig) => ClosableProvider;

interface AccountSecrets {
  appKey?: string;
  ostApiKey?: string;
  ostApiSecret?: string;
  accessToken?: string;
  token?: string;
}

export interface Accounts {
  list(): AccountView[];
  /** Throws not-found for an unknown id. */
  get(accountId: string): AccountView;
  findByName(name: string): AccountView | undefined;
  /** Checks the credentials with a real call first; nothing is saved when they fail. */
  add(input: AccountInput, options?: { sandbox?: boolean }): Promise<AccountView>;
  test(accountId: string): Promise<AccountView>;
  remove(accountId: string): void;
  /** Points an existing account at a new endpoint (the local cloud listens on a new port each start). */
  repoint(accountId: string, config: KdocsConfig): AccountView;
  providerFor(accountId: string): CloudProvider;
  /** Stores (encrypted) the user access token of the personal-space APIs; it is never returned. */
  setAccessToken(accountId: string, accessToken: string): AccountView;
  /** Where and with which user token the script calls go; throws when the account has no token. */
  scriptAccess(accountId: string): { baseUrl: string; accessToken: string; onNotice?: NoticeSink };
  /** A provider of its own for the account, told of every notice: for `account check`. */
  providerWith(accountId: string, onNotice: NoticeSink): ClosableProvider;
  /** Called after every change with the new list. */
  onChange(listener: (accounts: AccountView[]) => void): () => void;
  /** Releases every provider's connections. */
  close(): void;
}

export function toAccountView(stored: StoredAccount): AccountView {
  const traits = traitsOf(stored);
  const view: AccountView = {
    id: stored.id,
    name: stored.name,
    kind: stored.kind,
    baseUrl: stored.baseUrl,
    rootId: traits.rootId,
    sandbox: stored.sandbox,
    status: { ...stored.status },
    hasLargeFiles: stored.largeFiles !== undefined,
    hasAccessToken: stored.hasAccessToken,
    capabilities: { ...traits.capabilities },
  };
  if (stored.appId !== undefined) view.appId = stored.appId;
  return view;
}

/** Words for a failed check, for the account's status line. */
function checkFailure(error: unknown): string {
  return error instanceof CloudError ? describeCloudError(error) : toIpcError(error).message;
}

export function createAccounts(deps: {
  settings: Settings;
  secrets: SecretBox;
  makeKdocsProvider: ProviderFactory;
  /** Without it, KooDrive accounts are refused as unsupported. */
  makeKooDriveProvider?: KooDriveProviderFactory;
  /** How to get a fresh KooDrive token for an account at this address, when docsync can sign in there. */
  koodriveSignIn?: (baseUrl: string) => (() => Promise<string>) | undefined;
  /** What the services answer beyond the contract, per account (the core logs each thing once). */
  onNotice?: (accountId: string, notice: ServiceNotice) => void;
  now: () => number;
}): Accounts {
  const { settings, secrets, now } = deps;
  const providers = new Map<string, ClosableProvider>();
  const drop = (accountId: string) => {
    providers.get(accountId)?.close?.();
    providers.delete(accountId);
  };
  const listeners = new Set<(accounts: AccountView[]) => void>();

  const stored = () => settings.accounts();
  const changed = () => {
    const views = stored().map(toAccountView);
    for (const listener of [...listeners]) listener(views);
  };
  const find = (accountId: string): StoredAccount => {
    const account = stored().find((a) => a.id === accountId);
    if (!account) throw ipcFailure("not-found", `There is no account with id ${accountId}.`);
    return account;
  };
  const save = (account: StoredAccount) => {
    const all = stored();
    const index = all.findIndex((a) => a.id === account.id);
    if (index === -1) all.push(account);
    else all[index] = account;
    settings.saveAccounts(all);
  };

  const noticesOf = (accountId: string): { onNotice?: NoticeSink } => {
    const report = deps.onNotice;
    return report ? { onNotice: (notice) => report(accountId, notice) } : {};
  };

  /** The account's secrets; a blob this shell cannot open is named with the account and what to do. */
  const readSecrets = (account: StoredAccount): AccountSecrets => {
    try {
      return JSON.parse(secrets.decrypt(account.secrets)) as AccountSecrets;
    } catch (error) {
      const { code, message } = toIpcError(error);
      throw new IpcFailure(
        code === "internal" ? "credentials" : code,
        `The account "${account.name}" cannot be used here: ${message}`,
        { cause: error },
      );
    }
  };

  const kdocsConfig = (account: StoredAccount, notices = noticesOf(account.id)): KdocsConfig => {
    const secret = readSecrets(account);
    const config: KdocsConfig = {
      baseUrl: account.baseUrl,
      appId: account.appId ?? "",
      appKey: secret.appKey ?? "",
      ...notices,
    };
    if (account.largeFiles && secret.ostApiKey && secret.ostApiSecret) {
      config.largeFiles = { ...account.largeFiles, apiKey: secret.ostApiKey, apiSecret: secret.ostApiSecret };
    }
    return config;
  };

  const koodriveProvider = (
    baseUrl: string,
    token: string,
    notices: { onNotice?: NoticeSink } = {},
  ): ClosableProvider => {
    if (!deps.makeKooDriveProvider) throw unsupportedKind("koodrive", "are not available here");
    const refreshToken = deps.koodriveSignIn?.(baseUrl);
    return deps.makeKooDriveProvider({
      baseUrl,
      token,
      ...(refreshToken ? { refreshToken } : {}),
      ...notices,
    });
  };

  const makeProvider = (account: StoredAccount, notices = noticesOf(account.id)): ClosableProvider => {
    switch (account.kind) {
      case "kdocs":
        return deps.makeKdocsProvider(kdocsConfig(account, notices));
      case "koodrive": {
        const secret = readSecrets(account);
        return koodriveProvider(account.baseUrl, secret.token ?? "", notices);
      }
    }
  };

  const providerFor = (accountId: string): CloudProvider => {
    const cached = providers.get(accountId);
    if (cached) return cached;
    const provider = makeProvider(find(accountId));
    providers.set(accountId, provider);
    return provider;
  };

  /** What a new account stores: its settings, its secrets (encrypted as one blob) and a provider to check it. */
  const prepare = (
    input: AccountInput,
    notices: { onNotice?: NoticeSink },
  ): { provider: ClosableProvider; secret: AccountSecrets; fields: Partial<StoredAccount> } => {
    if (input.kind === "koodrive") {
      return {
        provider: koodriveProvider(input.baseUrl, input.token, notices),
        secret: { token: input.token },
        fields: {},
      };
    }
    const config: KdocsConfig = {
      baseUrl: input.baseUrl,
      appId: input.appId,
      appKey: input.appKey,
      ...notices,
    };
    if (input.largeFiles) config.largeFiles = { ...input.largeFiles };
    const secret: AccountSecrets = { appKey: input.appKey };
    if (input.largeFiles) {
      secret.ostApiKey = input.largeFiles.apiKey;
      secret.ostApiSecret = input.largeFiles.apiSecret;
    }
    if (input.accessToken) secret.accessToken = input.accessToken;
    const fields: Partial<StoredAccount> = {
      appId: input.appId,
      hasAccessToken: input.accessToken !== undefined,
    };
    if (input.largeFiles)
      fields.largeFiles = { baseUrl: input.largeFiles.baseUrl, appId: input.largeFiles.appId };
    return { provider: deps.makeKdocsProvider(config), secret, fields };
  };

  return {
    list: () => stored().map(toAccountView),
    get: (accountId) => toAccountView(find(accountId)),
    findByName(name) {
      const account =
        stored().find((a) => a.name === name) ??
        stored().find((a) => a.name.toLowerCase() === name.toLowerCase());
      return account && toAccountView(account);
    },

    async add(input, options = {}) {
      if (stored().some((a) => a.name.toLowerCase() === input.name.toLowerCase())) {
        throw ipcFailure("conflict", `An account named "${input.name}" exists already; choose another name.`);
      }
      const id = randomUUID();
      const { provider, secret, fields } = prepare(input, noticesOf(id));
      try {
        await provider.verify();
      } catch (error) {
        provider.close?.();
        throw new IpcFailure(toIpcError(error).code, `The account was not added. ${checkFailure(error)}`, {
          cause: error,
        });
      }
      const account: StoredAccount = {
        id,
        kind: input.kind,
        name: input.name,
        baseUrl: input.baseUrl,
        sandbox: options.sandbox ?? false,
        hasAccessToken: false,
        ...fields,
        secrets: secrets.encrypt(JSON.stringify(secret)),
        status: { state: "connected", checkedAt: now() },
        createdAt: now(),
      };
      save(account);
      providers.set(account.id, provider);
      changed();
      return toAccountView(account);
    },

    async test(accountId) {
      const provider = providerFor(accountId);
      let status: StoredAccount["status"];
      try {
        await provider.verify();
        status = { state: "connected", checkedAt: now() };
      } catch (error) {
        status = { state: "error", message: checkFailure(error), checkedAt: now() };
      }
      // The account may have been removed while the check ran.
      const account = find(accountId);
      save({ ...account, status });
      changed();
      return toAccountView({ ...account, status });
    },

    remove(accountId) {
      find(accountId);
      settings.saveAccounts(stored().filter((a) => a.id !== accountId));
      drop(accountId);
      changed();
    },

    repoint(accountId, config) {
      const account = find(accountId);
      if (account.kind !== "kdocs") throw unsupportedKind(account.kind, "cannot be re-pointed");
      // The endpoint hands over every secret again, so a blob this shell cannot open (the desktop
      // app's keyring) is simply replaced.
      let secret: AccountSecrets;
      try {
        secret = readSecrets(account);
      } catch {
        secret = {};
      }
      secret.appKey = config.appKey;
      if (config.largeFiles) {
        secret.ostApiKey = config.largeFiles.apiKey;
        secret.ostApiSecret = config.largeFiles.apiSecret;
      }
      const updated: StoredAccount = {
        ...account,
        baseUrl: config.baseUrl,
        appId: config.appId,
        secrets: secrets.encrypt(JSON.stringify(secret)),
      };
      if (config.largeFiles)
        updated.largeFiles = { baseUrl: config.largeFiles.baseUrl, appId: config.largeFiles.appId };
      save(updated);
      drop(accountId);
      changed();
      return toAccountView(updated);
    },

    providerFor,

    providerWith: (accountId, onNotice) => makeProvider(find(accountId), { onNotice }),

    setAccessToken(accountId, accessToken) {
      const account = find(accountId);
      if (account.kind !== "kdocs") throw unsupportedKind(account.kind, "do not run scripts");
      const secret = readSecrets(account);
      secret.accessToken = accessToken;
      const updated: StoredAccount = {
        ...account,
        hasAccessToken: true,
        secrets: secrets.encrypt(JSON.stringify(secret)),
      };
      save(updated);
      changed();
      return toAccountView(updated);
    },

    scriptAccess(accountId) {
      const account = find(accountId);
      if (account.kind !== "kdocs") throw unsupportedKind(account.kind, "do not run scripts");
      const secret = readSecrets(account);
      if (!account.hasAccessToken || !secret.accessToken) {
        throw ipcFailure(
          "credentials",
          `The account "${account.name}" has no user access token, which scripts need.`,
        );
      }
      return { baseUrl: account.baseUrl, accessToken: secret.accessToken, ...noticesOf(accountId) };
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      for (const accountId of [...providers.keys()]) drop(accountId);
    },
  };
}

function unsupportedKind(kind: string, what: string): IpcFailure {
  return ipcFailure("unsupported", `${kind === "koodrive" ? "KooDrive" : "KDocs"} accounts ${what}.`);
}
