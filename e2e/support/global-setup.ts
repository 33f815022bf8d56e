/** Once per run, before any worker starts: the built interface, the unpacked Chromium, the desktop bundle. */
import { buildDesktop } from "../../scripts/build-desktop.ts";
import { ensureRendererBuilt } from "../../scripts/build-renderer.ts";
import { chromiumExecutable } from "./browser.ts";
import { desktopUnavailable } from "./desktop-shell.ts";

export default async function globalSetup(): Promise<void> {
  await ensureRendererBuilt();
  // Unpacked here once: workers unpacking it at the same time could start a half-written binary.
  const chromium = await chromiumExecutable();
  if (chromium) process.env.CHROMIUM_PATH = chromium;
  if (desktopUnavailable() === undefined) await buildDesktop();
}
