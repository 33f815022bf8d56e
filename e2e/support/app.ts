/**
 * `test` for the end-to-end specs: each test gets an app of its own (a fresh home, a fresh local cloud,
 * the shell of its project on a free port, and the window showing the UI), whichever shell the project
 * drives. On failure the shell's log is attached next to Playwright's trace and screenshot.
 */
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, Page, TestInfo } from "playwright/test";
import { test as base } from "playwright/test";
import type { Channel, ChannelInput, ChannelResult, Envelope } from "../../shared/contract.ts";
import { chromiumFlags } from "./browser.ts";
import { desktopUnavailable, launchDesktopShell, type DesktopShell } from "./desktop-shell.ts";
import { localCloudAt, seedLocalCloud, type LocalCloud } from "./local-cloud.ts";
import { startWebShellProcess } from "./web-shell.ts";

export { expect } from "playwright/test";

export type ShellName = "web" | "desktop";

export interface ShellOptions {
  /** Which shell the project drives. */
  shell: ShellName;
}

export interface App {
  readonly page: Page;
  /** A folder of this test's own for local files (the home is inside it). */
  readonly scratch: string;
  /** The local cloud the app connected to at its first start. */
  readonly cloud: LocalCloud;
  /** Calls a channel of the core, as the UI does. */
  api<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>>;
  /** The desktop app's system dialogs and file manager, answered by the test; absent in the web shell. */
  readonly desktop?: Pick<DesktopShell, "answerFolderDialog" | "shownInFileManager">;
  /** A picture of the window for a look at the UI, kept in the test's output folder. */
  screenshot(name: string): Promise<void>;
}

/** How a test reaches its shell, and how the shell stops. */
interface OpenedShell {
  page: Page;
  call(channel: string, input: unknown): Promise<Envelope<unknown>>;
  desktop?: DesktopShell;
  /** Stops the shell; after a failed test, first keeps what Playwright does not keep by itself. */
  stop(failed: boolean): Promise<void>;
}

async function openWebShell(
  home: string,
  log: (text: string) => void,
  blocked: string[],
  browser: () => Promise<Browser>,
  locale: string | undefined,
): Promise<OpenedShell> {
  const shell = await startWebShellProcess(home, log, dirname(home));
  try {
    // The browser's language (Playwright's `locale` option), which the page follows until the settings choose one.
    const context = await (await browser()).newContext(locale ? { locale } : {});
    const page = await context.newPage();
    logPageErrors(page, log, blocked);
    await page.goto(shell.url);
    const address = new URL(shell.url);
    const token = address.searchParams.get("token") ?? "";
    return {
      page,
      async call(channel, input) {
        const response = await fetch(new URL(`/api/${channel}`, address.origin), {
          method: "POST",
          headers: { "content-type": "application/json", "x-docsync-token": token },
          body: JSON.stringify(input),
        });
        return (await response.json()) as Envelope<unknown>;
      },
      async stop() {
        await context.close();
        await shell.stop();
      },
    };
  } catch (error) {
    await shell.stop();
    throw error;
  }
}

/** Playwright records traces and failure screenshots of browser contexts only: the Electron app's are kept here. */
async function openDesktopShell(
  home: string,
  log: (text: string) => void,
  blocked: string[],
  testInfo: TestInfo,
  locale: string | undefined,
): Promise<OpenedShell> {
  const desktop = await launchDesktopShell(home, log, locale);
  const { page } = desktop;
  logPageErrors(page, log, blocked);
  const tracing = desktop.electron.context().tracing;
  await tracing.start({ screenshots: true, snapshots: true, sources: true });
  return {
    page,
    desktop,
    call: (channel, input) =>
      page.evaluate(
        ([name, value]) =>
          (window as unknown as { docsync: { channels: Record<string, (input: unknown) => unknown> } })
            .docsync.channels[name]!(value) as Promise<Envelope<unknown>>,
        [channel, input] as const,
      ),
    async stop(failed) {
      try {
        if (failed) {
          const screenshot = testInfo.outputPath("test-failed-1.png");
          await page.screenshot({ path: screenshot });
          testInfo.attachments.push({ name: "screenshot", path: screenshot, contentType: "image/png" });
          const trace = testInfo.outputPath("trace.zip");
          await tracing.stop({ path: trace });
          testInfo.attachments.push({ name: "trace", path: trace, contentType: "application/zip" });
        }
      } finally {
        await desktop.stop();
      }
    },
  };
}

/**
 * The page's own errors go to the shell's log, so a failure shows both sides. What the page's Content
 * Security Policy blocked is kept as well: a blocked font or script fails the test that loaded it.
 */
function logPageErrors(page: Page, log: (text: string) => void, blocked: string[]): void {
  page.on("pageerror", (error) => log(`page error: ${error.stack ?? error.message}\n`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    log(`page console: ${message.text()}\n`);
    if (message.text().includes("Content Security Policy")) blocked.push(message.text().slice(0, 160));
  });
}

/** What the core itself says at a failure, to compare with what the page showed. */
async function logCoreState(api: App["api"], log: (text: string) => void): Promise<void> {
  try {
    const state = {
      accounts: await api("accounts.list", {}),
      pairs: await api("pairs.list", {}),
      tasks: (await api("tasks.snapshot", {})).tasks,
    };
    log(`\nthe core's state after the failure:\n${JSON.stringify(state, null, 2)}\n`);
  } catch (error) {
    log(`\nthe core's state after the failure could not be read: ${String(error)}\n`);
  }
}

function failed(testInfo: TestInfo): boolean {
  return testInfo.status !== testInfo.expectedStatus;
}

export const test = base.extend<{ app: App }, ShellOptions & { chromium: () => Promise<Browser> }>({
  shell: ["web", { scope: "worker", option: true }],

  // Launched on first use, so a desktop run never starts Chromium.
  chromium: [
    async ({ playwright, headless }, use) => {
      let launched: Promise<Browser> | undefined;
      await use(() => {
        launched ??= playwright.chromium.launch({
          ...(process.env.CHROMIUM_PATH ? { executablePath: process.env.CHROMIUM_PATH } : {}),
          args: chromiumFlags(headless),
        });
        return launched;
      });
      await (await launched)?.close();
    },
    { scope: "worker" },
  ],

  app: async ({ shell, chromium, locale }, use, testInfo) => {
    if (shell === "desktop") {
      const why = desktopUnavailable();
      testInfo.skip(why !== undefined, why);
    }
    const scratch = await mkdtemp(join(tmpdir(), "docsync-e2e-"));
    const home = join(scratch, "home");
    const logPath = testInfo.outputPath("shell.log");
    await mkdir(dirname(logPath), { recursive: true });
    const logFile = createWriteStream(logPath);
    const log = (text: string) => void logFile.write(text);
    let opened: OpenedShell | undefined;
    let started = false;
    let api: App["api"] | undefined;
    const blocked: string[] = [];
    try {
      const seed = await seedLocalCloud(home);
      opened =
        shell === "desktop"
          ? await openDesktopShell(home, log, blocked, testInfo, locale)
          : await openWebShell(home, log, blocked, chromium, locale);
      const { page, call, desktop } = opened;
      api = async <C extends Channel>(channel: C, input: ChannelInput<C>) => {
        const answer = await call(channel, input);
        if (!answer.ok) throw new Error(`${channel}: ${answer.error.message}`);
        return answer.result as ChannelResult<C>;
      };
      const local = (await api("accounts.list", {})).find((account) => account.sandbox);
      if (!local) throw new Error("the app did not connect its local cloud at its first start");
      started = true;
      await use({
        page,
        scratch,
        cloud: localCloudAt(local.baseUrl, seed),
        api,
        ...(desktop ? { desktop } : {}),
        async screenshot(name) {
          await page.screenshot({ path: testInfo.outputPath(`${name}.png`), animations: "disabled" });
        },
      });
      if (blocked.length > 0)
        throw new Error(
          `the page's Content Security Policy blocked what the app loads:\n${blocked.join("\n")}`,
        );
    } finally {
      try {
        if (api && failed(testInfo)) await logCoreState(api, log);
        await opened?.stop(failed(testInfo));
      } finally {
        await new Promise((resolve) => logFile.end(resolve));
        if (!started || failed(testInfo))
          testInfo.attachments.push({ name: "shell log", path: logPath, contentType: "text/plain" });
        await rm(scratch, { recursive: true, force: true });
      }
    }
  },

  page: async ({ app }, use) => use(app.page),
});
