/**
 * Boots the core the way every shell does: settings and journal under the home folder, and the local
 * cloud offered for a first start without any account (its data under home/sandbox), stopped with the core.
 */
import { join } from "node:path";
import type { Core } from "../core/api.ts";
import type { SecretBox } from "../core/secrets/secret-box.ts";

export interface BootOptions {
  home: string;
  shell: "desktop" | "web" | "cli";
  /** The desktop shell's keychain-backed box; the core uses a key file in the home otherwise. */
  secrets?: SecretBox;
}

export interface BootedCore {
  core: Core;
  /** Closes the core, then the local cloud if it was started. */
  close(): Promise<void>;
}

interface LocalCloud {
  url: string;
  appId: string;
  appKey: string;
  ost: { appId: string; apiKey: string; apiSecret: string };
  close(): Promise<void>;
}

// Loaded by path so the shells type-check and lint before the core and the local cloud are in place.
const createCoreModule = "../core/create-core.ts";
const sandboxModule = "../../sandbox/server.ts";

export async function bootCore(options: BootOptions): Promise<BootedCore> {
  let localCloud: LocalCloud | undefined;
  const startLocalCloud = async () => {
    const { startSandbox } = (await import(sandboxModule)) as {
      startSandbox: (options: { dataDir: string; port: number }) => Promise<LocalCloud>;
    };
    localCloud ??= await startSandbox({ dataDir: join(options.home, "sandbox"), port: 0 });
    return {
      baseUrl: localCloud.url,
      appId: localCloud.appId,
      appKey: localCloud.appKey,
      largeFiles: { baseUrl: localCloud.url, ...localCloud.ost },
    };
  };
  const { createCore } = (await import(createCoreModule)) as {
    createCore: (deps: Record<string, unknown>) => Promise<Core> | Core;
  };
  const deps: Record<string, unknown> = { home: options.home, shell: options.shell, startLocalCloud };
  if (options.secrets) deps.secrets = options.secrets;
  let core: Core;
  try {
    core = await createCore(deps);
  } catch (error) {
    await localCloud?.close();
    throw error;
  }
  return {
    core,
    async close() {
      try {
        await core.close();
      } finally {
        await localCloud?.close();
      }
    },
  };
}
