/** The command line's commands: each one a thin layer over the handlers the UIs call. */
import { stat } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { channels } from "../../shared/contract.ts";
import { isFinalState, type EntryView, type PairView, type TaskView } from "../../shared/model.ts";
import type { LocalCore } from "../core/create-core.ts";
import { RESULT_LEVEL } from "../core/scripts/index.ts";
import type { SyncSummary } from "../core/sync/types.ts";
import { formatBytes, progressLine, progressText, type Output } from "./output.ts";
import { accountIdFor, parseRemoteRef, resolveRemoteRef } from "./remote-ref.ts";
import { UsageError } from "./usage.ts";

export type Values = Record<string, string | boolean | undefined>;

export interface CommandContext {
  core: LocalCore;
  /** The home folder (settings, credentials, journal). */
  home: string;
  output: Output;
  values: Values;
  positionals: string[];
  /** Aborted on SIGINT/SIGTERM. */
  stop: AbortSignal;
}

const str = (values: Values, key: string): string | undefined => {
  const value = values[key];
  return typeof value === "string" ? value : undefined;
};

export function expectPositionals(positionals: string[], min: number, max: number, usage: string): void {
  if (positionals.length < min || positionals.length > max) throw new UsageError(`usage: ${usage}`);
}

const flagFor: Record<string, string> = {
  name: "--name",
  baseUrl: "--base-url",
  appId: "--app-id",
  appKey: "--app-key",
  "largeFiles.baseUrl": "--ost-base-url",
  "largeFiles.appId": "--ost-app-id",
  "largeFiles.apiKey": "--ost-api-key",
  "largeFiles.apiSecret": "--ost-api-secret",
  token: "--token",
};

const ADD_USAGE =
  "account add kdocs --name NAME --base-url URL --app-id ID --app-key KEY, or account add koodrive --name NAME --base-url URL --token TOKEN";

/** The flags of `account add KIND` as the channel's input. */
function accountInput(kind: string, values: Values): Record<string, unknown> {
  if (kind === "koodrive") {
    return {
      kind,
      name: str(values, "name"),
      baseUrl: str(values, "base-url"),
      token: str(values, "token"),
    };
  }
  const ost = {
    baseUrl: str(values, "ost-base-url"),
    appId: str(values, "ost-app-id"),
    apiKey: str(values, "ost-api-key"),
    apiSecret: str(values, "ost-api-secret"),
  };
  const anyOst = Object.values(ost).some((v) => v !== undefined);
  return {
    kind,
    name: str(values, "name"),
    baseUrl: str(values, "base-url"),
    appId: str(values, "app-id"),
    appKey: str(values, "app-key"),
    ...(anyOst ? { largeFiles: ost } : {}),
  };
}

/** Flags that belong to the other kind of account are a mistake worth naming. */
const FLAGS_OF: Record<string, string[]> = {
  kdocs: ["app-id", "app-key", "ost-base-url", "ost-app-id", "ost-api-key", "ost-api-secret"],
  koodrive: ["token"],
};

export async function accountAdd({ core, output, values, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, ADD_USAGE);
  const kind = positionals[0]!;
  const own = FLAGS_OF[kind];
  if (!own) throw new UsageError(`"${kind}" is not an account kind; use kdocs or koodrive.`);
  const foreign = Object.values(FLAGS_OF)
    .flat()
    .find((flag) => !own.includes(flag) && values[flag] !== undefined);
  if (foreign) throw new UsageError(`--${foreign} is not for ${kind} accounts`);
  const input = accountInput(kind, values);
  const parsed = channels["accounts.add"].input.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join(".");
    const flag = flagFor[key] ?? key;
    const value = key
      .split(".")
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], input);
    throw new UsageError(value === undefined ? `${flag} is required` : `${flag}: ${issue.message}`);
  }
  const account = await core.handlers["accounts.add"](parsed.data);
  const credentials = account.kind === "koodrive" ? "the token works" : "the credentials work";
  output.out(
    `added account "${account.name}": ${credentials}${account.hasLargeFiles ? " (with large files)" : ""}`,
  );
  return 0;
}

export async function accountList({ core, output }: CommandContext): Promise<number> {
  const accounts = await core.handlers["accounts.list"]({});
  if (accounts.length === 0) output.out("no accounts; add one with: account add kdocs --name NAME ...");
  for (const a of accounts) {
    const status = a.status.state === "error" ? `error: ${a.status.message ?? ""}` : a.status.state;
    output.out(`${a.name}\t${a.kind}${a.sandbox ? " (sandbox)" : ""}\t${a.baseUrl}\t${status}`);
  }
  return 0;
}

export async function accountTest({ core, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "account test NAME");
  const account = await core.handlers["accounts.test"]({ accountId: accountIdFor(core, positionals[0]!) });
  if (account.status.state === "connected") {
    output.out(`"${account.name}": the credentials work`);
    return 0;
  }
  output.err(`"${account.name}": ${account.status.message ?? "it does not work"}`);
  return 1;
}

export async function accountRemove({ core, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "account remove NAME");
  await core.handlers["accounts.remove"]({ accountId: accountIdFor(core, positionals[0]!) });
  output.out(`removed account "${positionals[0]}"`);
  return 0;
}

function describePair(core: LocalCore, pair: PairView): string {
  const account = core.accounts.list().find((a) => a.id === pair.accountId)?.name ?? pair.accountId;
  return `${pair.id}\t${pair.localPath} -> ${account}:${pair.remotePath}\t${pair.deletePolicy}\t${pair.message}`;
}

export async function pairAdd({ core, output, values, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 2, 2, "pair add LOCAL_DIR ACCOUNT:/remote/path [--delete keep|mirror]");
  const deletePolicy = str(values, "delete") ?? "keep";
  if (deletePolicy !== "keep" && deletePolicy !== "mirror") {
    throw new UsageError(`--delete is keep or mirror, not "${deletePolicy}"`);
  }
  const localPath = resolvePath(positionals[0]!);
  const info = await stat(localPath).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`${localPath} is not a folder.`);
  const { accountName, path } = parseRemoteRef(positionals[1]!);
  const pair = await core.handlers["pairs.add"]({
    accountId: accountIdFor(core, accountName),
    localPath,
    remotePath: path,
    deletePolicy,
  });
  output.out(
    `paired ${localPath} with ${accountName}:${pair.remotePath} (deletes: ${pair.deletePolicy}); id ${pair.id}`,
  );
  return 0;
}

export async function pairList({ core, output }: CommandContext): Promise<number> {
  const pairs = await core.handlers["pairs.list"]({});
  if (pairs.length === 0) output.out("no sync pairs; add one with: pair add LOCAL_DIR ACCOUNT:/path");
  for (const pair of pairs) output.out(describePair(core, pair));
  return 0;
}

export async function pairRemove({ core, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "pair remove ID");
  await core.handlers["pairs.remove"]({ pairId: positionals[0]! });
  output.out(`removed pair ${positionals[0]}`);
  return 0;
}

/** "Docs: syncing 12 files" for every pair that is doing something. */
function pairsProgress(pairs: PairView[]): string {
  const busy = pairs.filter((p) => p.state !== "idle" && p.state !== "paused");
  const shown = busy.length ? busy : pairs;
  return shown.map((p) => `${p.localPath}: ${p.message}`).join("; ");
}

export function summaryLine(s: SyncSummary): string {
  return `synced: ${s.uploaded} uploaded, ${s.moved} moved, ${s.renamed} renamed, ${s.deleted} deleted, ${s.unchanged} unchanged, ${s.failed} failed`;
}

/** Script runs that a sync pass started: followed to their end, each with one line. */
async function waitForPairScripts(core: LocalCore, output: Output, stop: AbortSignal): Promise<number> {
  const running = core.tasks
    .snapshot()
    .tasks.filter((task) => task.kind === "script" && task.pairId !== undefined && !isFinalState(task.state));
  if (running.length === 0) return 0;
  const finished = await raceStop(core.runner.whenFinal(running.map((task) => task.id)), stop);
  let failed = 0;
  for (const task of finished) {
    const result = task.log?.findLast((line) => line.level === RESULT_LEVEL)?.text;
    if (task.state === "succeeded") output.out(`${task.title}: ${result ?? "done"}`);
    else {
      failed++;
      output.err(`${task.title}: ${task.error ?? task.state}`);
    }
  }
  return failed;
}

export async function sync(context: CommandContext): Promise<number> {
  const { core, output, values, positionals, stop } = context;
  expectPositionals(positionals, 0, 0, "sync --once [--yes-delete]");
  if (values.once !== true) throw new UsageError("sync needs --once (to keep syncing, use: watch)");
  if (core.engine.pairs().length === 0) {
    throw new UsageError("there is no sync pair; add one with: pair add LOCAL_DIR ACCOUNT:/path");
  }
  const progress = progressLine(output);
  const unsubscribe = core.subscribe((event) => {
    if (event.name === "pairs.changed") progress.update(pairsProgress(event.payload.pairs));
  });
  let summary: SyncSummary;
  try {
    summary = await raceStop(
      core.engine.syncOnce(undefined, { allowMassDelete: values["yes-delete"] === true }),
      stop,
    );
  } finally {
    unsubscribe();
    progress.done();
  }
  for (const failure of summary.failures) output.err(`failed: ${failure.path}: ${failure.reason}`);
  // In sync means nothing left to do: a held delete is a change the cloud has not seen.
  let held = 0;
  for (const pair of core.engine.pairs()) {
    if (pair.pendingDeletes > 0) {
      held += pair.pendingDeletes;
      output.err(
        `${pair.localPath}: ${pair.pendingDeletes} deletes held back by the mass-delete guard; run again with --yes-delete to let them go ahead`,
      );
    }
  }
  const scriptsFailed = await waitForPairScripts(core, output, stop);
  output.out(summaryLine(summary));
  return summary.failed > 0 || held > 0 || scriptsFailed > 0 ? 1 : 0;
}

export async function watch({ core, output, positionals, stop }: CommandContext): Promise<number> {
  expectPositionals(positionals, 0, 0, "watch");
  const pairs = core.engine.pairs();
  if (pairs.length === 0)
    throw new UsageError("there is no sync pair; add one with: pair add LOCAL_DIR ACCOUNT:/path");
  const progress = progressLine(output);
  const unsubscribe = core.subscribe((event) => {
    if (event.name === "pairs.changed") progress.update(pairsProgress(event.payload.pairs));
    if (event.name === "activity.appended") {
      for (const entry of event.payload.entries) {
        if (entry.level !== "info") {
          progress.done();
          output.err(`${entry.level}: ${entry.text}`);
        }
      }
    }
  });
  try {
    await core.engine.start();
    output.out(`watching ${pairs.length} folder${pairs.length === 1 ? "" : "s"}; press Ctrl-C to stop`);
    progress.update(pairsProgress(core.engine.pairs()));
    if (!stop.aborted)
      await new Promise((resolve) => stop.addEventListener("abort", resolve, { once: true }));
  } finally {
    unsubscribe();
    progress.done();
  }
  output.out("stopping...");
  await core.close();
  output.out("stopped");
  return 0;
}

export async function status({ core, output, values, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 0, 0, "status [--json]");
  const accounts = await core.handlers["accounts.list"]({});
  const pairs = await core.handlers["pairs.list"]({});
  const { tasks } = await core.handlers["tasks.snapshot"]({});
  const active = tasks.filter((t) => !isFinalState(t.state));
  if (values.json === true) {
    output.out(JSON.stringify({ accounts, pairs, tasks: active }, null, 2));
    return 0;
  }
  output.out(`accounts: ${accounts.length}`);
  for (const a of accounts) output.out(`  ${a.name}\t${a.baseUrl}\t${a.status.state}`);
  output.out(`pairs: ${pairs.length}`);
  for (const pair of pairs) {
    output.out(`  ${describePair(core, pair)}`);
    for (const issue of pair.issues) output.out(`    ${issue.path}: ${issue.reason}`);
  }
  output.out(`tasks running: ${active.length}`);
  for (const task of active) output.out(`  ${task.title}\t${task.state}\t${progressText(task)}`);
  return 0;
}

function entryLine(entry: EntryView): string {
  const when = entry.mtime ? new Date(entry.mtime).toISOString().slice(0, 16).replace("T", " ") : "";
  const size = entry.kind === "folder" ? "-" : formatBytes(entry.size);
  return `${size.padStart(10)}  ${when.padEnd(16)}  ${entry.name}${entry.kind === "folder" ? "/" : ""}`;
}

export async function ls({ core, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "ls ACCOUNT:/path");
  const { accountId, entry } = await resolveRemoteRef(core, positionals[0]!);
  if (entry.kind === "file") {
    output.out(entryLine(entry));
    return 0;
  }
  let cursor: string | null = null;
  do {
    const page: { entries: EntryView[]; next: string | null } = await core.handlers["tree.list"]({
      accountId,
      folderId: entry.id,
      cursor,
    });
    for (const child of page.entries) output.out(entryLine(child));
    cursor = page.next;
  } while (cursor !== null);
  return 0;
}

export async function mkdir({ core, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "mkdir ACCOUNT:/path");
  const { accountName, path } = parseRemoteRef(positionals[0]!);
  const folder = await core.ensureRemoteFolder(accountIdFor(core, accountName), path);
  output.out(`${accountName}:${path} is a folder (id ${folder.id})`);
  return 0;
}

function failedTaskLines(output: Output, tasks: TaskView[]): number {
  let failed = 0;
  for (const task of tasks) {
    if (task.state === "succeeded") continue;
    failed += 1;
    output.err(`failed: ${task.title}: ${task.error ?? task.state}`);
  }
  return failed;
}

export async function put({ core, output, positionals, stop }: CommandContext): Promise<number> {
  if (positionals.length < 2) throw new UsageError("usage: put LOCAL... ACCOUNT:/folder");
  const locals = positionals.slice(0, -1).map((p) => resolvePath(p));
  for (const local of locals) {
    if (!(await stat(local).catch(() => undefined))) throw new UsageError(`${local} does not exist.`);
  }
  const { accountId, entry } = await resolveRemoteRef(core, positionals.at(-1)!);
  if (entry.kind !== "folder") throw new UsageError(`${positionals.at(-1)} is a file, not a folder.`);
  const { taskIds } = await core.handlers["uploads.fromPaths"]({
    accountId,
    folderId: entry.id,
    paths: locals,
  });
  const progress = progressLine(output);
  const tasks = await raceStop(
    core.runner.whenFinal(taskIds, (tasks) => {
      const done = tasks.filter((t) => isFinalState(t.state)).length;
      const bytes = tasks.reduce(
        (sum, t) =>
          t.progress?.unit === "bytes"
            ? { current: sum.current + t.progress.current, total: sum.total + t.progress.total }
            : sum,
        { current: 0, total: 0 },
      );
      const size = bytes.total > 0 ? `, ${formatBytes(bytes.current)}/${formatBytes(bytes.total)}` : "";
      progress.update(`uploading: ${done}/${taskIds.length} files${size}`);
    }),
    stop,
  ).finally(() => progress.done());
  const failed = failedTaskLines(output, tasks);
  output.out(`put: ${taskIds.length - failed} uploaded, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

export async function mv({ core, output, positionals, stop }: CommandContext): Promise<number> {
  if (positionals.length < 2) throw new UsageError("usage: mv ACCOUNT:/a [ACCOUNT:/b ...] ACCOUNT:/target");
  const refs = positionals.map(parseRemoteRef);
  const accountName = refs.at(-1)!.accountName;
  if (refs.some((r) => accountIdFor(core, r.accountName) !== accountIdFor(core, accountName))) {
    throw new UsageError("a move stays within one account");
  }
  const target = await resolveRemoteRef(core, positionals.at(-1)!);
  if (target.entry.kind !== "folder") throw new UsageError(`${positionals.at(-1)} is a file, not a folder.`);
  const sources: EntryView[] = [];
  for (const text of positionals.slice(0, -1)) sources.push((await resolveRemoteRef(core, text)).entry);
  const { taskId } = await core.handlers["moves.start"]({
    accountId: target.accountId,
    entryIds: sources.map((s) => s.id),
    targetFolderId: target.entry.id,
  });
  const progress = progressLine(output);
  const [task] = await raceStop(
    core.runner.whenFinal([taskId], ([t]) => {
      if (t) progress.update(`${t.title}: ${progressText(t)}`);
    }),
    stop,
  ).finally(() => progress.done());
  if (!task) throw new Error("The move task disappeared.");
  const failed = task.failedItems ?? [];
  for (const item of failed) output.err(`failed: ${item.name}: ${item.reason}`);
  if (task.state === "failed" || task.state === "cancelled") {
    output.err(`the move ${task.state === "failed" ? `failed: ${task.error ?? ""}` : "was cancelled"}`);
    return 1;
  }
  output.out(`moved ${sources.length - failed.length} of ${sources.length} items, ${failed.length} failed`);
  return failed.length > 0 ? 1 : 0;
}

/** Ends a long wait when the user presses Ctrl-C; the work stays resumable in the journal. */
export function raceStop<T>(work: Promise<T>, stop: AbortSignal): Promise<T> {
  if (stop.aborted) return Promise.reject(new Interrupted());
  return new Promise<T>((resolve, reject) => {
    const onStop = () => reject(new Interrupted());
    stop.addEventListener("abort", onStop, { once: true });
    work.then(resolve, reject).finally(() => stop.removeEventListener("abort", onStop));
  });
}

export class Interrupted extends Error {
  override name = "Interrupted";
  constructor() {
    super("interrupted; what was under way continues at the next start");
  }
}
