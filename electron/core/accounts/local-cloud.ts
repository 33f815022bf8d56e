/**
 * The embedded local cloud: with no account configured, a new user gets a sandbox account at once.
 * It listens on a new port (and may have new credentials) at every start, so the account is
 * re-pointed each time while it is the only one.
 */
import type { AccountView } from "../../../shared/model.ts";
import type { Accounts, KdocsConfig } from "./accounts.ts";

export const LOCAL_CLOUD_NAME = "Local cloud (sandbox)";

export interface LocalCloud extends KdocsConfig {
  /** The user token of its script endpoints. */
  accessToken?: string;
  /** Its KooDrive, where docsync can sign the demo user in again when a token lapses. */
  koodrive?: { baseUrl: string; signIn(): Promise<string> };
  /** Stops the local cloud when the core closes. */
  close?: () => Promise<void>;
}

/** Starts the local cloud when it is needed and returns it (so the core can stop it), or undefined. */
export async function connectLocalCloud(
  accounts: Accounts,
  startLocalCloud: () => Promise<LocalCloud>,
): Promise<{ cloud: LocalCloud; account: AccountView } | undefined> {
  const existing = accounts.list();
  if (existing.length > 1 || (existing.length === 1 && !existing[0]!.sandbox)) return undefined;
  const cloud = await startLocalCloud();
  const config: KdocsConfig = { baseUrl: cloud.baseUrl, appId: cloud.appId, appKey: cloud.appKey };
  if (cloud.largeFiles) config.largeFiles = cloud.largeFiles;
  try {
    let account =
      existing.length === 1
        ? accounts.repoint(existing[0]!.id, config)
        : await accounts.add({ kind: "kdocs", name: LOCAL_CLOUD_NAME, ...config }, { sandbox: true });
    if (cloud.accessToken) account = accounts.setAccessToken(account.id, cloud.accessToken);
    return { cloud, account };
  } catch (error) {
    await cloud.close?.();
    throw error;
  }
}
