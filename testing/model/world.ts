/**
 * One scenario's world: the local cloud on a random port, a local folder, a docsync home with one
 * account and one upload-only pair (`--delete mirror`) set up through the core's own handlers, and
 * an independent client that reads the cloud for the checks.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox/server.ts";
import { isCloudError } from "../../electron/core/cloud/errors.ts";
import type { CloudProvider, RemoteEntry } from "../../electron/core/cloud/provider.ts";
import { createKdocsProvider } from "../../electron/core/cloud/kdocs/provider.ts";
import {
  createKooDriveProvider,
  type KooDriveProvider,
} from "../../electron/core/cloud/koodrive/provider.ts";
import { createCore, type CoreDeps, type LocalCore } from "../../electron/core/create-core.ts";
import { kdocsCloud, kooDriveCloud, type ScenarioCloud } from "../scenario-clouds.ts";

export type CloudName = "kdocs" | "koodrive";

/** The pair's cloud folder. */
export const REMOTE_PATH = "/fuzz";

export interface World {
  cloudName: CloudName;
  sandbox: Sandbox;
  /** A client of its own, for the checks (never the one the engine uses). */
  reader: CloudProvider & { close(): void };
  root: string;
  local: string;
  home: string;
  close(): Promise<void>;
}

/** Retries of transient faults, short so a faulty pass stays quick. */
const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200 };

const scenarioCloud = (name: CloudName): ScenarioCloud<CloudProvider & { close(): void }> =>
  name === "kdocs" ? kdocsCloud() : kooDriveCloud();

export async function startWorld(cloudName: CloudName): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), "docsync-model-"));
  const local = join(root, "local");
  const home = join(root, "home");
  mkdirSync(local);
  mkdirSync(home, { mode: 0o700 });
  const cloud = scenarioCloud(cloudName);
  const base = { dataDir: join(root, "cloud"), port: 0 };
  const sandbox = await startSandbox(cloud.sandboxOptions?.(base) ?? base);
  const reader = await cloud.connect(sandbox);
  return {
    cloudName,
    sandbox,
    reader,
    root,
    local,
    home,
    async close() {
      reader.close();
      await sandbox.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface CoreOptions {
  /** The core's clock (the quarantine of a failed file counts on it). */
  now?: () => number;
  /** Report of background failures nobody awaits. */
  onBackgroundError?: (error: unknown) => void;
  engine?: CoreDeps["engine"];
}

/** The core on the world's home as a shell opens it, with quick retries against the local cloud. */
export function openCore(world: World, options: CoreOptions = {}): Promise<LocalCore> {
  return createCore({
    home: world.home,
    shell: "cli",
    autoStart: false,
    ...(options.now ? { now: options.now } : {}),
    onBackgroundError: options.onBackgroundError ?? (() => {}),
    makeKdocsProvider: (config) => createKdocsProvider({ ...config, retry: FAST_RETRY }),
    makeKooDriveProvider: (config) =>
      createKooDriveProvider({
        ...config,
        refreshToken: config.refreshToken ?? (() => world.sandbox.koodriveToken()),
        retry: FAST_RETRY,
        pollIntervalMs: 20,
      }),
    engine: { rescanIntervalMs: 10 * 60_000, ...options.engine },
  });
}

/** Adds the account and the pair through the core's handlers, as the app's dialogs do. */
export async function setUpHome(world: World): Promise<void> {
  const core = await openCore(world);
  try {
    const { sandbox } = world;
    const account = await core.handlers["accounts.add"](
      world.cloudName === "kdocs"
        ? { kind: "kdocs", name: "Work", baseUrl: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey }
        : { kind: "koodrive", name: "Drive", baseUrl: sandbox.url, token: await sandbox.koodriveToken() },
    );
    await core.handlers["pairs.add"]({
      accountId: account.id,
      localPath: world.local,
      remotePath: REMOTE_PATH,
      deletePolicy: "mirror",
    });
  } finally {
    await core.close();
  }
}

export interface CloudSnapshot {
  entries: Map<string, CloudEntry>;
  /** Paths that a cloud folder holds more than once. */
  duplicates: string[];
}

type CloudEntry = RemoteEntry & { sha256?: string };

/** A folder's entries with their content hash (KooDrive's SHA-256 is only in its client's own listing). */
async function listAll(provider: CloudProvider, folderId: string): Promise<CloudEntry[]> {
  const all: CloudEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: { entries: CloudEntry[]; next: string | null } =
      provider.kind === "koodrive"
        ? await (provider as KooDriveProvider).client.list(folderId, cursor)
        : await provider.list(folderId, cursor);
    all.push(...page.entries);
    cursor = page.next;
  } while (cursor);
  return all;
}

/**
 * Everything below the pair's cloud folder, by relative path. A watching engine may move or delete
 * a folder while it is read: the read starts again then.
 */
export async function readCloud(world: World): Promise<CloudSnapshot> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readCloudOnce(world);
    } catch (error) {
      if (!isCloudError(error, "not-found") || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function readCloudOnce(world: World): Promise<CloudSnapshot> {
  const { reader } = world;
  const snapshot: CloudSnapshot = { entries: new Map(), duplicates: [] };
  const top = (await listAll(reader, reader.rootId)).find(
    (e) => e.name === REMOTE_PATH.slice(1) && e.kind === "folder",
  );
  if (!top) return snapshot;
  const walk = async (folderId: string, prefix: string): Promise<void> => {
    for (const entry of await listAll(reader, folderId)) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (snapshot.entries.has(path)) snapshot.duplicates.push(path);
      else snapshot.entries.set(path, entry);
      if (entry.kind === "folder") await walk(entry.id, path);
    }
  };
  await walk(top.id, "");
  return snapshot;
}

export interface LocalEntry {
  kind: "file" | "folder";
  size: number;
  md5: string;
  sha256: string;
  content: string;
}

/** The local folder as it is on disk. */
export function readLocal(root: string): Map<string, LocalEntry> {
  const out = new Map<string, LocalEntry>();
  const walk = (folder: string, prefix: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      const absolute = join(folder, entry.name);
      if (entry.isDirectory()) {
        out.set(path, { kind: "folder", size: 0, md5: "", sha256: "", content: "" });
        walk(absolute, path);
      } else {
        const bytes = readFileSync(absolute);
        out.set(path, {
          kind: "file",
          size: bytes.length,
          md5: createHash("md5").update(bytes).digest("hex"),
          sha256: createHash("sha256").update(bytes).digest("hex"),
          content: bytes.toString("utf8"),
        });
      }
    }
  };
  walk(root, "");
  return out;
}
