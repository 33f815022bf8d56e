/**
 * Crash tests' side of `sync-child.ts`: runs a scenario's pair sync in its own process until it
 * freezes at a point, then kills it there with SIGKILL (what a crash or `kill -9` leaves behind).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { waitFor } from "./harness.ts";
import type { ClosableProvider, Scenario } from "./scenario.ts";

const child = fileURLToPath(new URL("./sync-child.ts", import.meta.url));

/** Syncs the scenario's folder with `remote` in a child that freezes at `point`; kills it there. */
export async function killSyncAt(
  sc: Scenario<ClosableProvider>,
  point: string,
  options: { remote: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const proc = spawn(
    process.execPath,
    [child, sc.journalFile, sc.local, options.remote, sc.sandbox.url, sc.sandbox.appId, sc.sandbox.appKey],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...options.env, DOCSYNC_CHILD_FREEZE_AT: point },
    },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    proc.on("exit", (_code, signal) => resolve(signal)),
  );
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  try {
    await waitFor(
      () => stdout.includes(`frozen at ${point}`) || proc.exitCode !== null,
      `the child to reach ${point}`,
      30_000,
    );
    expect(proc.exitCode, `${stdout}\n${stderr}`).toBeNull();
  } finally {
    proc.kill("SIGKILL");
  }
  expect(await exited).toBe("SIGKILL");
}
