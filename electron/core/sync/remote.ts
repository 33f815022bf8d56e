/** Calls to the cloud under the account's quota, and the cloud folders a pair or a drop needs. */
import type { CloudProvider, RemoteEntry } from "../cloud/provider.ts";
import { CloudError, isCloudError } from "../cloud/errors.ts";
import { ipcFailure } from "../ipc-error.ts";

export interface QuotaGate {
  /** Remembers that the account's quota is used up until `until`. */
  block(accountId: string, until: number): void;
  /** Resolves once the account's quota has reset (immediately when it is not used up). */
  wait(accountId: string, signal?: AbortSignal): Promise<void>;
  blockedUntil(accountId: string): number | undefined;
}

export interface CallPolicy {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  quota: QuotaGate;
}

/**
 * A cloud call under the account's quota: a used-up quota is waited out and the call made again.
 * Transient faults are not retried here: the HTTP layer retried the request already.
 */
export async function callCloud<T>(
  accountId: string,
  policy: CallPolicy,
  fn: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (;;) {
    await policy.quota.wait(accountId, signal);
    try {
      return await fn();
    } catch (error) {
      if (signal?.aborted || !isCloudError(error, "quota")) throw error;
      policy.quota.block(accountId, error.retryAt ?? policy.now() + 60_000);
    }
  }
}

export function createQuotaGate(
  now: () => number,
  sleep: CallPolicy["sleep"],
  onChange: () => void,
): QuotaGate {
  const until = new Map<string, number>();
  return {
    block(accountId, time) {
      if ((until.get(accountId) ?? 0) >= time) return;
      until.set(accountId, time);
      onChange();
    },
    async wait(accountId, signal) {
      for (;;) {
        const time = until.get(accountId);
        if (time === undefined) return;
        if (now() >= time) {
          until.delete(accountId);
          onChange();
          return;
        }
        // Short steps: the clock may be moved (tests, a sleeping laptop waking up).
        await sleep(Math.min(250, time - now()), signal);
      }
    },
    blockedUntil(accountId) {
      const time = until.get(accountId);
      return time !== undefined && time > now() ? time : undefined;
    },
  };
}

export async function findChild(
  provider: CloudProvider,
  parentId: string,
  name: string,
  signal?: AbortSignal,
): Promise<RemoteEntry | undefined> {
  let cursor: string | null = null;
  do {
    const page = await provider.list(parentId, cursor, signal);
    const found = page.entries.find((e) => e.name === name);
    if (found) return found;
    cursor = page.next;
  } while (cursor);
  return undefined;
}

/** The folder `name` in `parentId`, created when missing (a folder another run created is reused). */
export async function ensureFolder(
  provider: CloudProvider,
  parentId: string,
  name: string,
  signal?: AbortSignal,
): Promise<RemoteEntry> {
  try {
    return await provider.createFolder(parentId, name, signal);
  } catch (error) {
    if (!isCloudError(error, "conflict")) throw error;
    const existing = await findChild(provider, parentId, name, signal);
    if (existing?.kind === "folder") return existing;
    throw new CloudError("conflict", `"${name}" exists in the cloud and is not a folder.`, { cause: error });
  }
}

/** `/a//b/` → ["a", "b"]; refuses `.` and `..`, which have no meaning in the cloud. */
export function splitRemotePath(path: string): string[] {
  if (!path.startsWith("/")) throw ipcFailure("invalid-input", `A cloud path starts with "/": ${path}`);
  const parts = path.split("/").filter((part) => part !== "");
  if (parts.some((part) => part === "." || part === "..")) {
    throw ipcFailure("invalid-input", `A cloud path cannot contain "." or "..": ${path}`);
  }
  return parts;
}

/** The id of the folder at an absolute cloud path, creating each missing folder on the way. */
export async function ensureRemotePath(
  provider: CloudProvider,
  path: string,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
  onCreated?: (parentId: string) => void,
): Promise<string> {
  let parentId = provider.rootId;
  for (const segment of splitRemotePath(path)) {
    const existing = await call(() => findChild(provider, parentId, segment));
    if (existing && existing.kind !== "folder") {
      throw new CloudError("conflict", `"${segment}" in ${path} is a file in the cloud, not a folder.`);
    }
    if (existing) parentId = existing.id;
    else {
      const created = await call(() => ensureFolder(provider, parentId, segment));
      onCreated?.(parentId);
      parentId = created.id;
    }
  }
  return parentId;
}
