/**
 * Boots the core the way every shell does: the home claimed for this process (private, locked),
 * settings and journal under it, and the local cloud offered for a first start without any account
 * (its data under home/sandbox). The core decides whether it needs the local cloud and stops it when
 * it closes; the home is let go after that.
 */
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox/server.ts";
import { createCore, type LocalCore } from "../core/create-core.ts";
import type { SecretBox } from "../core/secrets/secret-box.ts";
import type { Settings } from "../core/settings/settings.ts";
import type { Phrase } from "../../shared/i18n/phrase.ts";
import { inEnglish, say } from "../core/words.ts";
import { claimHome } from "./home.ts";

export interface BootOptions {
  home: string;
  shell: "desktop" | "web" | "cli";
  /** The desktop shell's keychain-backed box; the core uses a key file in the home otherwise. */
  secrets?: SecretBox;
  /** The desktop shell's electron-store; the core opens the same file with `conf` otherwise. */
  settings?: Settings;
  /** Failures of background work nobody awaits. */
  log?: (line: string) => void;
  /** The app's version, when the shell knows it better than package.json (a bundled app). */
  version?: string;
  /** The operating system's language, when the shell knows it (Electron's `app.getLocale()`). */
  systemLocale?: string;
}

export interface BootedCore {
  core: LocalCore;
  /** The local cloud when it was started (tests inject faults through it). */
  localCloud(): Sandbox | undefined;
  close(): Promise<void>;
}

/** How a second process names the one that holds a home. */
export const shellNames: Record<BootOptions["shell"], Phrase> = {
  desktop: say("errors.holders.desktop"),
  web: say("errors.holders.web"),
  cli: say("errors.holders.cli"),
};

export async function bootCore(options: BootOptions): Promise<BootedCore> {
  let localCloud: Sandbox | undefined;
  const log = options.log ?? ((line: string) => console.error(line));
  const lock = claimHome(options.home, shellNames[options.shell], (words) =>
    log(`docsync: ${inEnglish(words)}`),
  );
  const core = await createCore({
    home: options.home,
    shell: options.shell,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.systemLocale ? { systemLocale: options.systemLocale } : {}),
    onBackgroundError: (error) => log(`docsync: ${error instanceof Error ? error.message : String(error)}`),
    async startLocalCloud() {
      localCloud ??= await startSandbox({ dataDir: join(options.home, "sandbox"), port: 0 });
      const cloud = localCloud;
      return {
        baseUrl: cloud.url,
        appId: cloud.appId,
        appKey: cloud.appKey,
        largeFiles: { baseUrl: cloud.url, ...cloud.ost },
        // Lets the built-in account run scripts without asking the user for a token first.
        accessToken: cloud.scriptsAccessToken,
        // Local KooDrive tokens lapse after 20 idle minutes; the local cloud can sign in again.
        koodrive: { baseUrl: cloud.url, signIn: () => cloud.koodriveToken() },
        close: () => cloud.close(),
      };
    },
  }).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  return {
    core,
    localCloud: () => localCloud,
    // The core stops the local cloud it was given; the home is let go once everything is written.
    close: () => core.close().finally(() => lock.release()),
  };
}
