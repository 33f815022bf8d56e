/** Test helpers: temp folders, polling for a condition, and a core whose account is a test's provider. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CloudProvider } from "../electron/core/cloud/provider.ts";
import { createCore, type CoreDeps, type LocalCore } from "../electron/core/create-core.ts";
import { openJournal, type Journal } from "../electron/core/journal/index.ts";
import type { JobRunner, TaskPoller } from "../electron/core/tasks/index.ts";
import type { TaskRegistry } from "../electron/core/tasks/types.ts";
import type { SyncEngine } from "../electron/core/sync/types.ts";

export function tempDir(prefix = "docsync-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Polls `check` until it returns a truthy value or the deadline passes (then throws with `what`). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface TestEngine {
  /** The core the engine runs in, assembled by `createCore` as every shell's is. */
  core: LocalCore;
  /** The one account, whose provider is the test's. */
  accountId: string;
  engine: SyncEngine;
  journal: Journal;
  tasks: TaskRegistry;
  poller: TaskPoller;
  runner: JobRunner;
  /** Stops the core and closes the journal (the journal file stays for a restart). */
  close(): Promise<void>;
}

/**
 * A core on the folder of `journalFile`, with one account served by `provider` (added at the first
 * start, found again at the next): the engine of the tests and benchmarks.
 */
export async function startTestEngine(
  options: {
    journalFile: string;
    provider: CloudProvider;
    /** Lets a test (or a crash-test child) step into the journal's writes. */
    wrapJournal?: (journal: Journal) => Journal;
  } & NonNullable<CoreDeps["engine"]> & { now?: () => number },
): Promise<TestEngine> {
  const { journalFile, provider, wrapJournal, now, ...engine } = options;
  // The core closes the providers it made; the test's provider outlives a restart.
  const kept = Object.create(provider, { close: { value: () => {} } }) as CloudProvider;
  const core = await createCore({
    home: dirname(journalFile),
    shell: "cli",
    makeKdocsProvider: () => kept,
    makeKooDriveProvider: () => kept,
    ...(now ? { now } : {}),
    // Quick polls: a test never waits long for a server task that has finished.
    poller: { firstDelayMs: 100, maxIntervalMs: 1_000 },
    engine,
    ...(wrapJournal ? { openJournal: (file: string) => wrapJournal(openJournal(file)) } : {}),
  });
  const account =
    core.accounts.list()[0] ??
    (await core.accounts.add(
      provider.kind === "koodrive"
        ? { kind: "koodrive", name: "Test", baseUrl: "http://127.0.0.1:9", token: "test" }
        : { kind: "kdocs", name: "Test", baseUrl: "http://127.0.0.1:9", appId: "test", appKey: "test" },
    ));
  return {
    core,
    accountId: account.id,
    engine: core.engine,
    journal: core.journal,
    tasks: core.tasks,
    poller: core.runner.poller,
    runner: core.runner,
    close: () => core.close(),
  };
}
