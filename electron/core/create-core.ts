/**
 * Assembles the core every shell serves: settings and secrets, accounts and their providers, the
 * journal, the job runner (its task registry and poller), the sync engine, batch moves, zip
 * downloads, scripts, and one numbered event feed. Everything with a side effect that tests need to
 * control comes in through `deps`.
 */
import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { coreChannels, type CoreChannel, type Handlers } from "../../shared/contract.ts";
import { isFinalState, type ActivityEntry, type EntryView } from "../../shared/model.ts";
import type { Core } from "./api.ts";
import {
  createAccounts,
  type Accounts,
  type KooDriveProviderFactory,
  type ProviderFactory,
} from "./accounts/accounts.ts";
import { checkAccount, checkLines } from "./accounts/check.ts";
import { connectLocalCloud, type LocalCloud } from "./accounts/local-cloud.ts";
import { ensureRemoteFolder, resolveRemotePath, toEntryView } from "./accounts/remote-tree.ts";
import { createKdocsProvider } from "./cloud/kdocs/provider.ts";
import { createKooDriveProvider } from "./cloud/koodrive/provider.ts";
import { createZipDownloads } from "./downloads/zip-download.ts";
import { createEventBus } from "./events/event-bus.ts";
import { asIpcFailure, ipcFailure, toIpcError } from "./ipc-error.ts";
import { openJournalOrStartAfresh, type Journal } from "./journal/index.ts";
import { createMoves } from "./moves/moves.ts";
import { createKeyFileSecretBox, type SecretBox } from "./secrets/secret-box.ts";
import { openSettings } from "./settings/settings.ts";
import { createScriptRunner, type ScriptRunner, type ScriptRunnerDeps } from "./scripts/index.ts";
import { createPairScriptHook } from "./scripts/pair-hook.ts";
import { createSyncEngine } from "./sync/index.ts";
import type { SyncEngine, SyncEngineDeps } from "./sync/index.ts";
import {
  createJobRunner,
  createTaskPoller,
  createTaskRegistry,
  type JobRunner,
  type TaskPollerOptions,
  type TaskRegistry,
} from "./tasks/index.ts";

export interface CoreDeps {
  /** Holds settings.json, the key file (when no SecretBox is given) and journal.db. */
  home: string;
  shell: "desktop" | "web" | "cli";
  /** Encrypts secrets at rest; defaults to a key file in `home` readable only by the user. */
  secrets?: SecretBox;
  now?: () => number;
  /** Starts the embedded local cloud; called when no account is configured (or only its own). */
  startLocalCloud?: () => Promise<LocalCloud>;
  /** Watch every pair from the start (default: true, except for the command line). */
  autoStart?: boolean;
  /** For app.info (default: package.json's version). */
  version?: string;
  /**
   * For tests: another provider factory, engine tuning (watcher, timings, concurrency; an
   * `onUploaded` replaces the pairs' script hook).
   */
  makeKdocsProvider?: ProviderFactory;
  makeKooDriveProvider?: KooDriveProviderFactory;
  /** What `~` means in a download folder (default: the user's home). */
  userHome?: string;
  engine?: Partial<Omit<SyncEngineDeps, "journal" | "runner" | "providerFor" | "now" | "activity">>;
  /** For tests: the poller's pace (a test never waits long for a server task that has finished). */
  poller?: Pick<TaskPollerOptions, "firstDelayMs" | "maxIntervalMs">;
  /** For tests: the script runner's pace. */
  scripts?: Pick<ScriptRunnerDeps, "firstDelayMs" | "minIntervalMs" | "maxIntervalMs" | "stopGraceMs">;
  /** For tests: opens the journal (a crash test steps into its writes). */
  openJournal?: (file: string) => Journal;
  /** Failures of background work nobody awaits (logged by the shell). */
  onBackgroundError?: (error: unknown) => void;
}

/** What the command line needs beyond the handler table; the UIs can use it too. */
export interface LocalCore extends Core {
  readonly accounts: Accounts;
  readonly engine: SyncEngine;
  readonly tasks: TaskRegistry;
  /** Background work: resume, cancel, and `whenFinal(ids)`, which every shell waits with. */
  readonly runner: JobRunner;
  /** The journal, for tests and tools that look at what is recorded. */
  readonly journal: Journal;
  /** Script tasks; `onLog` streams each task's new log lines as they arrive. */
  readonly scripts: ScriptRunner;
  /** `/a/b` in an account → its entry (the root for `/`); not-found names the first missing part. */
  resolveRemotePath(accountId: string, path: string): Promise<EntryView>;
  /** `/a/b` in an account, with the folders that are missing created. */
  ensureRemoteFolder(accountId: string, path: string): Promise<EntryView>;
  /** The account named so (exact name first, then ignoring case). */
  accountByName(name: string): ReturnType<Accounts["findByName"]>;
}

function packageVersion(): string {
  try {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    return (JSON.parse(text) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export async function createCore(deps: CoreDeps): Promise<LocalCore> {
  const now = deps.now ?? Date.now;
  const report = deps.onBackgroundError ?? ((error: unknown) => console.error(error));
  const settings = openSettings(deps.home);
  const bus = createEventBus(report);
  /** Filled once the local cloud runs. */
  const localKooDrive: { current?: LocalCloud["koodrive"] } = {};
  /** Filled once the journal is open; what comes before is not worth keeping. */
  const activityLog: { write?: (entry: Omit<ActivityEntry, "seq" | "time">) => void } = {};
  const noticed = new Set<string>();
  const secrets = deps.secrets ?? createKeyFileSecretBox(join(deps.home, "secret.key"));
  const accounts = createAccounts({
    // What a service answers beyond the contract goes to the activity log, each thing once.
    onNotice: (accountId, notice) => {
      const key = [accountId, notice.service, notice.call, notice.kind, notice.field, notice.value].join(
        "\n",
      );
      if (noticed.has(key)) return;
      noticed.add(key);
      activityLog.write?.({ level: "warn", text: `${notice.text}.`, accountId });
    },
    settings,
    secrets,
    makeKdocsProvider: deps.makeKdocsProvider ?? createKdocsProvider,
    makeKooDriveProvider: deps.makeKooDriveProvider ?? createKooDriveProvider,
    // The local cloud can sign its KooDrive user in again; a real KooDrive account needs a new token.
    koodriveSignIn: (baseUrl) => {
      const koodrive = localKooDrive.current;
      return koodrive && sameOrigin(koodrive.baseUrl, baseUrl) ? koodrive.signIn : undefined;
    },
    now,
  });
  const local = deps.startLocalCloud ? await connectLocalCloud(accounts, deps.startLocalCloud) : undefined;
  localKooDrive.current = local?.cloud.koodrive;
  const providerFor = (accountId: string) => accounts.providerFor(accountId);

  // Whatever started before a failure is released, so a failed start leaves nothing running.
  const undo: (() => unknown)[] = [() => accounts.close(), () => local?.cloud.close?.()];
  try {
    const journalFile = join(deps.home, "journal.db");
    const { journal, movedAside } = deps.openJournal
      ? { journal: deps.openJournal(journalFile), movedAside: undefined }
      : openJournalOrStartAfresh(journalFile, now());
    undo.unshift(() => journal.close());
    if (movedAside) {
      const text = `The journal was damaged: it was moved to ${movedAside} and a fresh one started. Add the sync pairs again; nothing in your folders or in the cloud was touched.`;
      journal.appendEvent({ time: now(), level: "warn", text });
      report(text);
    }
    const registry = createTaskRegistry({ journal, now });
    const poller = createTaskPoller({ providerFor, journal, now, ...deps.poller });
    const runner = createJobRunner({ registry, poller, onError: report });
    const engine = createSyncEngine({
      ...deps.engine,
      home: deps.home,
      journal,
      runner,
      providerFor,
      now,
      activity: (entry) => bus.emit("activity.appended", { entries: [entry] }),
      // The engine calls this only after start-up, once treeChanged below exists.
      remoteChanged: (accountId, folderIds) => treeChanged(accountId, folderIds),
      // A test may watch uploads itself; otherwise they run the pairs' scripts.
      onUploaded: deps.engine?.onUploaded ?? ((upload) => runPairScripts(upload)),
    });
    undo.unshift(
      () => engine.stop(),
      () => runner.stop(),
      () => poller.stop(),
      () => registry.close(),
    );

    const scripts = createScriptRunner({
      ...deps.scripts,
      runner,
      access: (accountId) => accounts.scriptAccess(accountId),
      describeDocument: async (accountId, fileId) => (await providerFor(accountId).stat(fileId)).name,
      now,
      onError: report,
    });

    const logActivity = (entry: Omit<ActivityEntry, "seq" | "time">) =>
      bus.emit("activity.appended", { entries: [journal.appendEvent({ time: now(), ...entry })] });
    activityLog.write = logActivity;

    const runPairScripts = createPairScriptHook({
      journal,
      runner: scripts,
      now,
      onError: (error, upload) =>
        logActivity({
          level: "warn",
          text: `The script for ${upload.path} did not start: ${toIpcError(error).message}`,
          pairId: upload.pairId,
          accountId: upload.accountId,
        }),
    });

    const treeChanged = (accountId: string, folderIds: string[]) =>
      bus.emit("tree.changed", { accountId, folderIds: [...new Set(folderIds)] });

    const unsubscribers = [
      registry.subscribe((batch) =>
        bus.emit("tasks.changed", { tasks: batch.tasks, removed: batch.removed }),
      ),
      engine.subscribe((pairs) => bus.emit("pairs.changed", { pairs })),
      accounts.onChange((list) => bus.emit("accounts.changed", { accounts: list })),
    ];

    const moves = createMoves({
      runner,
      providerFor,
      onFoldersChanged: treeChanged,
      remember(taskId, spec) {
        const all = settings.moves();
        all[taskId] = { ...spec, finishedAt: now() };
        // A bounded memory: retrying a move from long ago is not worth an unbounded settings file.
        const kept = Object.entries(all)
          .sort((a, b) => b[1].finishedAt - a[1].finishedAt)
          .slice(0, 200);
        settings.saveMoves(Object.fromEntries(kept));
      },
      recall: (taskId) => settings.moves()[taskId],
      log: (level, text, accountId) => logActivity({ level, text, accountId }),
    });

    const downloads = createZipDownloads({
      runner,
      providerFor,
      ...(deps.userHome !== undefined ? { home: deps.userHome } : {}),
      log: (level, text, accountId) => logActivity({ level, text, accountId }),
    });

    const rawHandlers: Handlers = {
      "app.info": async () => ({
        version: deps.version ?? packageVersion(),
        shell: deps.shell === "desktop" ? "desktop" : "web",
        canPickFolders: deps.shell === "desktop",
        secretStorage: secrets.storage,
      }),

      "accounts.list": async () => accounts.list(),
      "accounts.add": async (input) => {
        const account = await accounts.add(input);
        logActivity({ level: "info", text: `Account added: ${account.name}`, accountId: account.id });
        return account;
      },
      "accounts.test": async ({ accountId }) => accounts.test(accountId),
      "accounts.check": async ({ accountId }) => {
        const account = accounts.get(accountId);
        const check = await checkAccount({
          account,
          provider: (onNotice) => accounts.providerWith(accountId, onNotice),
          ...(account.hasAccessToken ? { accessToken: accounts.scriptAccess(accountId).accessToken } : {}),
          version: deps.version ?? packageVersion(),
          now,
        });
        logActivity({ level: check.ok ? "info" : "warn", text: checkLines(check).at(-1)!, accountId });
        return check;
      },
      "accounts.setAccessToken": async ({ accountId, accessToken }) =>
        accounts.setAccessToken(accountId, accessToken),
      "accounts.remove": async ({ accountId }) => {
        const { name } = accounts.get(accountId);
        for (const pair of engine.pairs().filter((p) => p.accountId === accountId)) {
          await engine.removePair(pair.id);
        }
        accounts.remove(accountId);
        logActivity({ level: "info", text: `Account removed: ${name}`, accountId });
        return { ok: true };
      },

      "tree.list": async ({ accountId, folderId, cursor }) => {
        const page = await providerFor(accountId).list(folderId, cursor ?? null);
        return { entries: page.entries.map(toEntryView), next: page.next };
      },
      "tree.createFolder": async ({ accountId, parentId, name }) => {
        const folder = await providerFor(accountId).createFolder(parentId, name);
        treeChanged(accountId, [parentId]);
        return toEntryView(folder);
      },

      "uploads.fromPaths": async ({ accountId, folderId, paths }) => {
        accounts.get(accountId);
        const result = await engine.uploadPaths({ accountId, folderId, paths });
        // The folder is announced as changed once every upload of the drop has ended.
        if (result.taskIds.length > 0) {
          // A stop before they end leaves nothing to announce.
          runner.whenFinal(result.taskIds).then(
            () => treeChanged(accountId, [folderId]),
            () => {},
          );
        }
        return result;
      },

      "downloads.zip": async ({ accountId, entryIds, destinationDir }) => {
        accounts.get(accountId);
        return downloads.start({ accountId, entryIds, destinationDir });
      },

      "moves.start": async ({ accountId, entryIds, targetFolderId }) =>
        moves.start({ accountId, entryIds, targetFolderId }),
      "moves.retryFailed": async ({ taskId }) => moves.retryFailed(taskId),

      "scripts.run": async ({ accountId, fileId, script, name }) =>
        scripts.run({ accountId, fileId, script, ...(name ? { name } : {}) }),

      "tasks.snapshot": async () => {
        // The registry delivers its pending batch first, so the snapshot is as new as the sequence number.
        const { tasks } = registry.snapshot();
        return { seq: bus.seq, tasks };
      },
      "tasks.cancel": async ({ taskId }) => {
        const task = registry.get(taskId);
        if (!task) throw ipcFailure("not-found", `There is no task ${taskId}.`);
        if (!isFinalState(task.state) && !task.cancellable) {
          throw ipcFailure("conflict", `"${task.title}" cannot be cancelled.`);
        }
        runner.cancel(taskId);
        return { ok: true };
      },
      "tasks.clearFinished": async () => {
        registry.clearFinished();
        return { ok: true };
      },

      "pairs.list": async () => engine.pairs(),
      "pairs.add": async ({ accountId, localPath, remotePath, deletePolicy }) => {
        accounts.get(accountId);
        const folder = await stat(localPath).catch(() => undefined);
        if (!folder) throw ipcFailure("not-found", `The folder ${localPath} does not exist.`);
        if (!folder.isDirectory()) throw ipcFailure("invalid-input", `${localPath} is not a folder.`);
        return engine.addPair({ accountId, localPath, remotePath, deletePolicy });
      },
      "pairs.pause": async ({ pairId }) => engine.pause(pairId),
      "pairs.resume": async ({ pairId }) => engine.resume(pairId),
      "pairs.remove": async ({ pairId }) => {
        await engine.removePair(pairId);
        return { ok: true };
      },
      "pairs.confirmDeletes": async ({ pairId, allow }) => engine.confirmDeletes(pairId, allow),
      "pairs.getScript": async ({ pairId }) => ({ rule: engine.pairScript(pairId) }),
      "pairs.setScript": async ({ pairId, rule }) => engine.setPairScript(pairId, rule),

      "activity.list": async ({ limit }) => engine.activity(limit),
    };

    const handlers = wrapHandlers(rawHandlers);

    // Every kind of job is declared by now: the work a restart interrupted goes on.
    runner.resumeUnfinished();
    if (deps.autoStart ?? deps.shell !== "cli") await engine.start();

    let closing: Promise<void> | undefined;
    return {
      handlers,
      subscribe: (listener) => bus.subscribe(listener),
      whenFinal: (taskIds) => runner.whenFinal(taskIds),
      accounts,
      engine,
      tasks: registry,
      runner,
      journal,
      scripts,
      resolveRemotePath: (accountId, path) =>
        asIpc(async () => toEntryView(await resolveRemotePath(providerFor(accountId), path))),
      ensureRemoteFolder: (accountId, path) =>
        asIpc(async () => toEntryView(await ensureRemoteFolder(providerFor(accountId), path))),
      accountByName: (name) => accounts.findByName(name),
      close() {
        closing ??= (async () => {
          // The engine first: an upload it records may still start its pair's script.
          await engine.stop().catch(report);
          await runner.stop();
          poller.stop();
          registry.close();
          for (const unsubscribe of unsubscribers) unsubscribe();
          activityLog.write = undefined;
          journal.close();
          accounts.close();
          await local?.cloud.close?.();
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const step of undo) await Promise.resolve().then(step).catch(report);
    throw error;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

async function asIpc<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asIpcFailure(error);
  }
}

/** Every input validated against the contract and every failure thrown as an IpcFailure. */
function wrapHandlers(raw: Handlers): Handlers {
  const wrapped: Partial<Record<CoreChannel, (input: unknown) => Promise<unknown>>> = {};
  for (const channel of Object.keys(coreChannels) as CoreChannel[]) {
    const handler = raw[channel] as (input: unknown) => Promise<unknown>;
    const schema = coreChannels[channel].input;
    wrapped[channel] = (input) => asIpc(async () => handler(schema.parse(input ?? {})));
  }
  return wrapped as Handlers;
}
