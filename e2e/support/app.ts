/**
 * One app under test: a fresh home folder, the real web shell (real core, real local cloud on port 0,
 * or a given core) and a page in Chromium that opened the printed address.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, test } from "vitest";
import type { ChannelInput, ChannelResult, Channel } from "../../shared/contract.ts";
import type { Core } from "../../electron/core/api.ts";
import { ensureRendererBuilt } from "../../scripts/build-renderer.ts";
import type { Sandbox } from "../../sandbox/server.ts";
import { startWebShell, type WebShell } from "../../electron/web/server.ts";
import { launchChromium } from "./browser.ts";

export const resultsDir = fileURLToPath(new URL("../../test-results/", import.meta.url));

export interface AppUnderTest {
  page: Page;
  shell: WebShell;
  /** A scratch folder of this test (the home is inside it). */
  scratch: string;
  /** Calls a channel the way the page does, from the test. */
  api<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>>;
  /** The local cloud the real core started (it fails the test when there is none). */
  localCloud(): Sandbox;
  /** A screenshot in test-results/; `settled` waits for animations (a progress bar's transition) to end. */
  screenshot(name: string, options?: { settled?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** A core to serve instead of the real one; it is closed with the app. */
  core?: Core;
}

/** Declares a test that gets a fresh app and closes it afterwards, whatever happens. */
export type AppTest = (
  name: string,
  body: (app: AppUnderTest) => Promise<void>,
  options?: AppOptions,
) => void;

/** One Chromium (and a built interface) for a file's tests; returns how to declare a test with an app. */
export function useApps(): AppTest {
  let browser: Browser | undefined;
  beforeAll(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => browser?.close());
  return (name, body, options) =>
    test(name, async () => {
      if (!browser) throw new Error("Chromium did not start");
      const app = await openApp(browser, options);
      try {
        await body(app);
      } finally {
        await app.close();
      }
    });
}

export async function openApp(browser: Browser, options: AppOptions = {}): Promise<AppUnderTest> {
  const scratch = await mkdtemp(join(tmpdir(), "docsync-e2e-"));
  const home = join(scratch, "home");
  await mkdir(home);
  let shell: WebShell | undefined;
  let context: BrowserContext | undefined;
  try {
    shell = await startWebShell({
      home,
      port: 0,
      log: () => {},
      ...(options.core ? { core: options.core } : {}),
    });
    context = await browser.newContext({ viewport: { width: 1360, height: 820 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(shell.url);
    const origin = new URL(shell.url).origin;
    const token = shell.token;
    const opened = shell;
    const openedContext = context;
    return {
      page,
      shell,
      scratch,
      async api(channel, input) {
        const response = await fetch(`${origin}/api/${channel}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-docsync-token": token },
          body: JSON.stringify(input),
        });
        const answer = (await response.json()) as { ok: boolean; result: never; error?: { message: string } };
        if (!answer.ok) throw new Error(`${channel}: ${answer.error?.message}`);
        return answer.result;
      },
      localCloud() {
        const cloud = opened.localCloud();
        if (!cloud) throw new Error("the web shell did not start the local cloud");
        return cloud;
      },
      async screenshot(name, { settled = false } = {}) {
        if (settled) await page.waitForFunction(() => document.getAnimations().length === 0);
        await mkdir(resultsDir, { recursive: true });
        const path = join(resultsDir, `${name}.png`);
        await page.screenshot({ path });
        return path;
      },
      async close() {
        if (errors.length > 0) console.warn(`page errors: ${errors.join("\n")}`);
        await openedContext.close();
        await opened.close();
        await options.core?.close();
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close();
    await shell?.close();
    await options.core?.close();
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** Writes files into the scratch folder, uploads them into a cloud folder and waits until every upload is done. */
export async function seedFiles(
  app: AppUnderTest,
  target: { accountId: string; folderId: string },
  files: Record<string, string>,
): Promise<void> {
  const paths: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(app.scratch, name);
    await writeFile(path, content);
    paths.push(path);
  }
  const { taskIds } = await app.api("uploads.fromPaths", { ...target, paths });
  await until(
    async () => {
      const { tasks } = await app.api("tasks.snapshot", {});
      return taskIds.every((id) => tasks.find((t) => t.id === id)?.state === "succeeded");
    },
    20_000,
    "the seed uploads",
  );
}

/** Opens an account's files from the main navigation. */
export async function showAccount(page: Page, name: RegExp): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name }).click();
}

/** Goes back to the top folder of the open account through the folder path. */
export async function openTopFolder(page: Page, accountName: RegExp): Promise<void> {
  await page
    .getByRole("navigation", { name: "Folder path" })
    .getByRole("button", { name: accountName })
    .click();
}

/** The task panel. */
export function taskPanel(page: Page): Locator {
  return page.getByRole("complementary", { name: "Tasks" });
}

/** The main folder tree (not the one in the move dialog). */
export function mainTree(page: Page): Locator {
  return page.getByRole("tree", { name: /^Files in / });
}

export function treeItem(scope: Page | Locator, name: string): Locator {
  return scope.getByRole("treeitem", { name, exact: true });
}

/** The exact size the tree shows for an entry (its size cell's title). */
export async function shownBytes(item: Locator): Promise<number | undefined> {
  const title = await item.locator(".tree-size").getAttribute("title");
  return title ? Number(title.replace(/[^0-9]/g, "")) : undefined;
}

/** Drops files built in the page onto an element, as the browser does for a drop from the desktop. */
export async function dropFiles(
  page: Page,
  target: Locator,
  files: { name: string; size: number }[],
): Promise<void> {
  const data = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const { name, size } of list) {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + name.length) & 0xff;
      transfer.items.add(new File([bytes], name, { type: "application/octet-stream" }));
    }
    return transfer;
  }, files);
  for (const type of ["dragenter", "dragover", "drop"])
    await target.dispatchEvent(type, { dataTransfer: data });
  await data.dispose();
}

/** Polls until `check` holds (or throws its last failure at the deadline). */
export async function until<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
