/**
 * The end-to-end suite: every spec in e2e/ runs once per shell. `web` drives the web shell in Chromium,
 * `desktop` the Electron app (skipped, with its reason, where Electron's binary is not installed).
 */
import { availableParallelism } from "node:os";
import { defineConfig } from "playwright/test";
import type { ShellOptions } from "./e2e/support/app.ts";

export default defineConfig<ShellOptions>({
  testDir: "e2e",
  outputDir: "test-results",
  globalSetup: "./e2e/support/global-setup.ts",
  fullyParallel: true,
  // Each test starts its own shell, local cloud and window, so one worker per core keeps the machine busy.
  workers: availableParallelism(),
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  // The longest a state may take to show after real work in the local cloud, on 2 busy shared cores
  // (as long as the waits of the suite this one replaced).
  expect: { timeout: 30_000 },
  reporter: [["list"], ["./e2e/support/skip-reasons.ts"], ["./e2e/support/failure-logs.ts"]],
  use: {
    viewport: { width: 1360, height: 820 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "web", use: { shell: "web" } },
    { name: "desktop", use: { shell: "desktop" } },
  ],
});
