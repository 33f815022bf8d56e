/**
 * A scenario: a temp local folder, the local cloud on a random port, the real KDocs client and the
 * real engine between them. Tests drive the folder and look at the cloud.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../../sandbox/server.ts";
import { createKdocsProvider, type KdocsProvider } from "../cloud/kdocs/provider.ts";
import type { CloudProvider, RemoteEntry } from "../cloud/provider.ts";
import type { SyncEngineDeps } from "../sync/types.ts";
import { startTestEngine, tempDir, type TestEngine } from "./harness.ts";

export const uploadEndpoint = "POST /api/v1/openapi/appspace/files/upload";
export const importEndpoint = "POST /api/v1/openapi/appspace/file/async/upload";

/** What the sandbox's `GET /__sandbox/ost/stats` answers: OST calls, and how often each slice was stored. */
export interface OstStats {
  requests: Record<"init" | "upload" | "complete" | "cancel" | "single" | "replayed", number>;
  uploads: Record<string, { slices: Record<string, number> }>;
}

export interface Scenario {
  sandbox: Sandbox;
  provider: KdocsProvider;
  dir: string;
  local: string;
  journalFile: string;
  t: TestEngine;
  write(path: string, content: string | Buffer): string;
  /** Uploads the sandbox has received so far. */
  uploads(): number;
  ostStats(): Promise<OstStats>;
  /** The OST credentials the sandbox accepts (what a KDocs account's large-file settings hold). */
  largeFiles: { baseUrl: string; appId: string; apiKey: string; apiSecret: string };
  /** Every file and folder below a cloud path, keyed by path relative to it. */
  remote(path: string): Promise<Map<string, RemoteEntry>>;
  /** Closes the engine and opens a new one on the same journal (a restart). */
  restart(options?: Partial<EngineOptions>): Promise<TestEngine>;
  close(): Promise<void>;
}

type EngineOptions = Partial<Omit<SyncEngineDeps, "journal" | "tasks" | "poller" | "providerFor">>;

export async function startScenario(
  options: {
    sandbox?: SandboxOptions;
    engine?: EngineOptions;
    providerNow?: () => number;
    /** Lets a test step into the engine's cloud calls. */
    wrapProvider?: (provider: CloudProvider) => CloudProvider;
    /** Give the account the sandbox's OST credentials, so files over 64 MiB are staged there. */
    largeFiles?: boolean;
  } = {},
): Promise<Scenario> {
  const dir = tempDir("docsync-scenario-");
  const local = join(dir.path, "local");
  mkdirSync(local);
  const sandbox = await startSandbox({ dataDir: join(dir.path, "cloud"), ...options.sandbox });
  const largeFiles = { baseUrl: sandbox.url, ...sandbox.ost };
  const provider = createKdocsProvider({
    baseUrl: sandbox.url,
    appId: sandbox.appId,
    appKey: sandbox.appKey,
    ...(options.largeFiles ? { largeFiles } : {}),
    ...(options.providerNow ? { now: options.providerNow } : {}),
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
  });
  const journalFile = join(dir.path, "home", "journal.db");
  const open = (extra: EngineOptions = {}): TestEngine =>
    startTestEngine({
      journalFile,
      provider: options.wrapProvider ? options.wrapProvider(provider) : provider,
      rescanIntervalMs: 60_000,
      ...options.engine,
      ...extra,
    });
  const scenario: Scenario = {
    sandbox,
    provider,
    dir: dir.path,
    local,
    journalFile,
    t: open(),
    write(path, content) {
      const file = join(local, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    uploads: () => sandbox.stats()[uploadEndpoint] ?? 0,
    ostStats: async () => (await (await fetch(`${sandbox.url}/__sandbox/ost/stats`)).json()) as OstStats,
    largeFiles,
    async remote(path) {
      const out = new Map<string, RemoteEntry>();
      let id = provider.rootId;
      for (const segment of path.split("/").filter(Boolean)) {
        const page = await listAll(id);
        const next = page.find((e) => e.name === segment);
        if (!next) return out;
        id = next.id;
      }
      const walk = async (folderId: string, prefix: string): Promise<void> => {
        for (const entry of await listAll(folderId)) {
          const p = prefix ? `${prefix}/${entry.name}` : entry.name;
          out.set(p, entry);
          if (entry.kind === "folder") await walk(entry.id, p);
        }
      };
      await walk(id, "");
      return out;
    },
    async restart(extra) {
      await scenario.t.close();
      scenario.t = open(extra);
      return scenario.t;
    },
    async close() {
      await scenario.t.close();
      provider.close();
      await sandbox.close();
      dir.remove();
    },
  };
  async function listAll(folderId: string): Promise<RemoteEntry[]> {
    const all: RemoteEntry[] = [];
    let cursor: string | null = null;
    do {
      const page = await provider.list(folderId, cursor);
      all.push(...page.entries);
      cursor = page.next;
    } while (cursor);
    return all;
  }
  return scenario;
}

/** Only the files of a `remote()` map. */
export const filesOf = (tree: Map<string, RemoteEntry>): string[] =>
  [...tree]
    .filter(([, e]) => e.kind === "file")
    .map(([p]) => p)
    .sort();
