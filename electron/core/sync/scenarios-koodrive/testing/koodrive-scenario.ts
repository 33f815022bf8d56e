/**
 * The scenario harness on KooDrive: a temp local folder, the local cloud (its KooDrive endpoints) on a
 * random port, the real KooDrive client and the real engine between them. It mirrors
 * `testing/scenario.ts`, which builds a KDocs provider itself; the engine half (`startTestEngine`)
 * is shared.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../../../../sandbox/server.ts";
import { createKooDriveProvider, type KooDriveProvider } from "../../../cloud/koodrive/provider.ts";
import type { RemoteEntry } from "../../../cloud/provider.ts";
import { startTestEngine, tempDir, type TestEngine } from "../../../testing/harness.ts";
import type { SyncEngineDeps } from "../../types.ts";

const API = "/koodrive/ose/v1";
/** A new file's upload and a new version's upload: each is one upload of content. */
export const uploadEndpoints = [`POST ${API}/files/create`, `POST ${API}/revision/createRevision`];
export const jobEndpoint = `POST ${API}/jobs`;
export const renameEndpoint = `POST ${API}/files/rename/:fileId`;

type EngineOptions = Partial<Omit<SyncEngineDeps, "journal" | "tasks" | "poller" | "providerFor">>;

export interface KooScenario {
  sandbox: Sandbox;
  provider: KooDriveProvider;
  local: string;
  t: TestEngine;
  write(path: string, content: string | Buffer): string;
  /** Uploads (new files and new versions) the local cloud has received so far. */
  uploads(): number;
  /** Requests the local cloud received at one endpoint ("POST /koodrive/ose/v1/jobs"). */
  calls(endpoint: string): number;
  /** Every file and folder below a cloud path, keyed by path relative to it. */
  remote(path: string): Promise<Map<string, RemoteEntry>>;
  /** Closes the engine and opens a new one on the same journal (a restart). */
  restart(options?: EngineOptions): Promise<TestEngine>;
  addPair(remotePath: string, deletePolicy?: "keep" | "mirror"): ReturnType<TestEngine["engine"]["addPair"]>;
  close(): Promise<void>;
}

export async function startKooScenario(
  options: { sandbox?: SandboxOptions; engine?: EngineOptions } = {},
): Promise<KooScenario> {
  const dir = tempDir("docsync-koo-scenario-");
  const local = join(dir.path, "local");
  mkdirSync(local);
  const sandbox = await startSandbox({
    dataDir: join(dir.path, "cloud"),
    ...options.sandbox,
    koodrive: { itemsPerSecond: 200, ...options.sandbox?.koodrive },
  });
  const provider = createKooDriveProvider({
    baseUrl: sandbox.url,
    token: await sandbox.koodriveToken(),
    refreshToken: () => sandbox.koodriveToken(),
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    pollIntervalMs: 20,
  });
  const journalFile = join(dir.path, "home", "journal.db");
  const open = (extra: EngineOptions = {}) =>
    startTestEngine({ journalFile, provider, rescanIntervalMs: 60_000, ...options.engine, ...extra });

  const listAll = async (folderId: string): Promise<RemoteEntry[]> => {
    const all: RemoteEntry[] = [];
    let cursor: string | null = null;
    do {
      const page = await provider.list(folderId, cursor);
      all.push(...page.entries);
      cursor = page.next;
    } while (cursor);
    return all;
  };

  const scenario: KooScenario = {
    sandbox,
    provider,
    local,
    t: open(),
    write(path, content) {
      const file = join(local, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    uploads: () => uploadEndpoints.reduce((sum, endpoint) => sum + scenario.calls(endpoint), 0),
    calls: (endpoint) => sandbox.stats()[endpoint] ?? 0,
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
      scenario.t = open(extra);
      return scenario.t;
    },
    addPair: (remotePath, deletePolicy = "keep") =>
      scenario.t.engine.addPair({ accountId: "koodrive", localPath: local, remotePath, deletePolicy }),
    async close() {
      await scenario.t.close();
      provider.close();
      await sandbox.close();
      dir.remove();
    },
  };
  return scenario;
}

export { filesOf } from "../../../testing/scenario.ts";
