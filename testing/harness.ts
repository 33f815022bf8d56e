/** Test helpers: temp folders, polling for a condition, and an engine wired to a provider. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CloudProvider } from "../electron/core/cloud/provider.ts";
import { openJournal, type Journal } from "../electron/core/journal/index.ts";
import {
  createJobRunner,
  createTaskPoller,
  createTaskRegistry,
  type JobRunner,
  type TaskPoller,
} from "../electron/core/tasks/index.ts";
import type { TaskRegistry } from "../electron/core/tasks/types.ts";
import { createSyncEngine } from "../electron/core/sync/engine.ts";
import type { SyncEngine, SyncEngineDeps } from "../electron/core/sync/types.ts";

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
  engine: SyncEngine;
  journal: Journal;
  tasks: TaskRegistry;
  poller: TaskPoller;
  runner: JobRunner;
  /** Stops the engine and closes the journal (the journal file stays for a restart). */
  close(): Promise<void>;
}

export function startTestEngine(
  options: {
    journalFile: string;
    provider: CloudProvider;
    /** Lets a test (or a crash-test child) step into the journal's writes. */
    wrapJournal?: (journal: Journal) => Journal;
  } & Partial<Omit<SyncEngineDeps, "journal" | "runner" | "providerFor">>,
): TestEngine {
  const { journalFile, provider, wrapJournal, ...rest } = options;
  const opened = openJournal(journalFile);
  const journal = wrapJournal ? wrapJournal(opened) : opened;
  const now = rest.now ?? Date.now;
  const tasks = createTaskRegistry({ journal, now });
  // Quick polls: a test never waits long for a server task that has finished.
  const poller = createTaskPoller({
    journal,
    providerFor: () => provider,
    firstDelayMs: 100,
    maxIntervalMs: 1_000,
  });
  const runner = createJobRunner({ registry: tasks, poller });
  const engine = createSyncEngine({ journal, runner, providerFor: () => provider, ...rest });
  runner.resumeUnfinished();
  return {
    engine,
    journal,
    tasks,
    poller,
    runner,
    async close() {
      await engine.stop();
      await runner.stop();
      poller.stop();
      tasks.close();
      journal.close();
    },
  };
}
