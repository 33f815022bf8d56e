/** Chromium for the end-to-end tests and the UI benchmark: CHROMIUM_PATH, or the one @sparticuz/chromium carries. */
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Browser } from "playwright";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * CHROMIUM_PATH, else the Linux Chromium inside @sparticuz/chromium (unpacked into the temp folder on
 * first use), else none: Playwright's own browser, where one was installed.
 */
export async function chromiumExecutable(): Promise<string | undefined> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return process.platform === "linux" ? chromium.executablePath() : undefined;
}

/** The launch flags; a headed run (Playwright's --headed) leaves out --headless. */
export function chromiumFlags(headless: boolean): string[] {
  return headless ? chromiumArgs : chromiumArgs.filter((arg) => arg !== "--headless");
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  return playwright.launch({
    ...(executablePath ? { executablePath } : {}),
    args: [...chromiumArgs, ...extraArgs],
  });
}
