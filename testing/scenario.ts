/**
 * A scenario: a temp local folder, the local cloud on a random port, a real cloud client (KDocs unless
 * told otherwise) and the real core (built by `createCore`) between them. Tests drive the folder and
 * look at the cloud.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CONTROL_TOKEN_HEADER, startSandbox, type Sandbox, type SandboxOptions } from "../sandbox/server.ts";
import type { KdocsProvider } from "../electron/core/cloud/kdocs/provider.ts";
import type { CloudProvider, RemoteEntry } from "../electron/core/cloud/provider.ts";
import type { SyncEngineDeps } from "../electron/core/sync/types.ts";
import { startTestEngine, tempDir, type TestEngine } from "./harness.ts";
import { kdocsCloud, type KdocsCloudOptions, type ScenarioCloud } from "./scenario-clouds.ts";

/** What the sandbox's `GET /__sandbox/ost/stats` answers: OST calls, and how often each slice was stored. */
export interface OstStats {
  requests: Record<"init" | "upload" | "complete" | "cancel" | "single" | "completedAgain", number>;
  uploads: Record<string, { slices: Record<string, number> }>;
}

export type ClosableProvider = CloudProvider & { close(): void };

export interface Scenario<P extends ClosableProvider = KdocsProvider> {
  /** The cloud service the scenario runs on, with the endpoints its expectations count. */
  cloud: ScenarioCloud<P>;
  sandbox: Sandbox;
  provider: P;
  dir: string;
  local: string;
  journalFile: string;
  t: TestEngine;
  write(path: string, content: string | Buffer): string;
  /** Uploads of content the sandbox has received so far. */
  uploads(): number;
  /** Requests the sandbox received at one endpoint ("POST /koodrive/ose/v1/jobs"). */
  calls(endpoint: string): number;
  ostStats(): Promise<OstStats>;
  /** The OST credentials the sandbox accepts (what a KDocs account's large-file settings hold). */
  largeFiles: { baseUrl: string; appId: string; apiKey: string; apiSecret: string };
  /** Every file and folder below a cloud path, keyed by path relative to it. */
  remote(path: string): Promise<Map<string, RemoteEntry>>;
  /** The account the scenario's pairs belong to (its provider is the scenario's). */
  readonly accountId: string;
  /** Closes the core and opens a new one on the same home (a restart). */
  restart(options?: EngineOptions): Promise<TestEngine>;
  /** Pairs the scenario's local folder with a cloud folder of the scenario's account. */
  addPair(remotePath: string, deletePolicy?: "keep" | "mirror"): ReturnType<TestEngine["engine"]["addPair"]>;
  close(): Promise<void>;
}

type EngineOptions = Partial<Omit<SyncEngineDeps, "journal" | "runner" | "providerFor">>;

interface ScenarioOptions {
  sandbox?: SandboxOptions;
  engine?: EngineOptions;
  /** Lets a test step into the engine's cloud calls. */
  wrapProvider?: (provider: CloudProvider) => CloudProvider;
}

export function startScenario(options?: ScenarioOptions & KdocsCloudOptions): Promise<Scenario>;
export function startScenario<P extends ClosableProvider>(
  options: ScenarioOptions & { cloud: ScenarioCloud<P> },
): Promise<Scenario<P>>;
export async function startScenario(
  options: ScenarioOptions & (KdocsCloudOptions | { cloud: ScenarioCloud<ClosableProvider> }) = {},
): Promise<Scenario<ClosableProvider>> {
  const cloud = "cloud" in options ? options.cloud : kdocsCloud(options);
  const dir = tempDir("docsync-scenario-");
  const local = join(dir.path, "local");
  mkdirSync(local);
  const sandboxOptions = { dataDir: join(dir.path, "cloud"), ...options.sandbox };
  const sandbox = await startSandbox(cloud.sandboxOptions?.(sandboxOptions) ?? sandboxOptions);
  const provider = await cloud.connect(sandbox);
  const journalFile = join(dir.path, "home", "journal.db");
  const open = (extra: EngineOptions = {}): Promise<TestEngine> =>
    startTestEngine({
      journalFile,
      provider: options.wrapProvider ? options.wrapProvider(provider) : provider,
      rescanIntervalMs: 60_000,
      ...options.engine,
      ...extra,
    });
  const calls = (endpoint: string): number => sandbox.stats()[endpoint] ?? 0;
  const scenario: Scenario<ClosableProvider> = {
    cloud,
    sandbox,
    provider,
    dir: dir.path,
    local,
    journalFile,
    t: await open(),
    get accountId() {
      return scenario.t.accountId;
    },
    write(path, content) {
      const file = join(local, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    uploads: () => cloud.uploadEndpoints.reduce((sum, endpoint) => sum + calls(endpoint), 0),
    calls,
    ostStats: async () => {
      const headers = { [CONTROL_TOKEN_HEADER]: sandbox.controlToken };
      return (await (await fetch(`${sandbox.url}/__sandbox/ost/stats`, { headers })).json()) as OstStats;
    },
    largeFiles: { baseUrl: sandbox.url, ...sandbox.ost },
    async remote(path) {
      const out = new Map<string, RemoteEntry>();
      let id = provider.rootId;
      for (const segment of path.split("/").filter(Boolean)) {
        const next = (await listAll(id)).find((e) => e.name === segment);
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
      scenario.t = await open(extra);
      return scenario.t;
    },
    addPair: (remotePath, deletePolicy = "keep") =>
      scenario.t.engine.addPair({
        accountId: scenario.t.accountId,
        localPath: local,
        remotePath,
        deletePolicy,
      }),
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
