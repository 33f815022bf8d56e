/** The command line's commands: each one a thin layer over the handlers the UIs call. */
import { stat } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { channels } from "../../shared/contract.ts";
import { localized, type I18n } from "../../shared/i18n/index.ts";
import {
  isFinalState,
  type AccountView,
  type EntryView,
  type PairView,
  type TaskView,
} from "../../shared/model.ts";
import type { LocalCore } from "../core/create-core.ts";
import { toIpcError } from "../core/ipc-error.ts";
import { RESULT_LEVEL } from "../core/scripts/index.ts";
import type { SyncSummary } from "../core/sync/types.ts";
import { formatBytes, progressLine, progressText, type Output } from "./output.ts";
import { accountIdFor, parseRemoteRef, resolveRemoteRef } from "./remote-ref.ts";
import { UsageError } from "./usage.ts";
import { inEnglish, say } from "../core/words.ts";

export type Values = Record<string, string | boolean | undefined>;

export interface CommandContext {
  core: LocalCore;
  /** The home folder (settings, credentials, journal). */
  home: string;
  /** The command line's language (see `cliI18n`). */
  i18n: I18n;
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
  if (positionals.length < min || positionals.length > max) throw new UsageError(usageOf(usage));
}

/** "usage: pair add LOCAL_DIR ..." (the command's syntax is not translated). */
export const usageOf = (usage: string) => say("cli.usageLine", { usage });

/** A task's title (or error, or a pair's message) in the command line's language. */
const titleOf = (i18n: I18n, task: TaskView) => localized(i18n, task.title, task.titlePhrase);
const errorOf = (i18n: I18n, task: TaskView) =>
  task.error ? localized(i18n, task.error, task.errorPhrase) : i18n.t(`cli.taskState.${task.state}`);

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

const ADD_USAGE = say("cli.addUsage", {
  kdocs: "account add kdocs --name NAME --base-url URL --app-id ID --app-key KEY",
  koodrive: "account add koodrive --name NAME --base-url URL --token TOKEN",
});

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

export async function accountAdd({
  core,
  i18n,
  output,
  values,
  positionals,
}: CommandContext): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(say("cli.usageLine", { usage: ADD_USAGE }));
  const kind = positionals[0]!;
  const own = FLAGS_OF[kind];
  if (!own) throw new UsageError(say("cli.notKind", { kind }));
  const foreign = Object.values(FLAGS_OF)
    .flat()
    .find((flag) => !own.includes(flag) && values[flag] !== undefined);
  if (foreign) throw new UsageError(say("cli.flagNotFor", { flag: foreign, kind }));
  const input = accountInput(kind, values);
  const parsed = channels["accounts.add"].input.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join(".");
    const flag = flagFor[key] ?? key;
    const value = key
      .split(".")
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], input);
    throw new UsageError(
      value === undefined
        ? say("cli.flagRequired", { flag })
        : say("cli.flagInvalid", { flag, problem: issue.message }),
    );
  }
  const account = await core.handlers["accounts.add"](parsed.data);
  output.out(
    i18n.t("cli.accountAdded", {
      name: account.name,
      works: i18n.t(account.kind === "koodrive" ? "cli.tokenWorks" : "cli.credentialsWork"),
      large: account.hasLargeFiles ? i18n.t("cli.withLarge") : "",
    }),
  );
  return 0;
}

/** An account's status: "connected", or the error in the command line's language. */
function accountStatus(i18n: I18n, status: AccountView["status"]): string {
  if (status.state !== "error") return i18n.t(`cli.accountState.${status.state}`);
  const message = status.message ? localized(i18n, status.message, status.messagePhrase) : "";
  return i18n.t("cli.accountState.error", { message });
}

export async function accountList({ core, i18n, output }: CommandContext): Promise<number> {
  const accounts = await core.handlers["accounts.list"]({});
  if (accounts.length === 0) output.out(i18n.t("cli.noAccounts"));
  for (const a of accounts) {
    const kind = `${a.kind}${a.sandbox ? i18n.t("cli.sandbox") : ""}`;
    output.out(`${a.name}\t${kind}\t${a.baseUrl}\t${accountStatus(i18n, a.status)}`);
  }
  return 0;
}

export async function accountTest({ core, i18n, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "account test NAME");
  const account = await core.handlers["accounts.test"]({ accountId: accountIdFor(core, positionals[0]!) });
  if (account.status.state === "connected") {
    output.out(i18n.t("cli.accountWorks", { name: account.name }));
    return 0;
  }
  const { message, messagePhrase } = account.status;
  const reason = message ? localized(i18n, message, messagePhrase) : i18n.t("cli.doesNotWork");
  output.err(i18n.t("cli.accountFails", { name: account.name, reason }));
  return 1;
}

export async function accountRemove({ core, i18n, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "account remove NAME");
  await core.handlers["accounts.remove"]({ accountId: accountIdFor(core, positionals[0]!) });
  output.out(i18n.t("cli.accountRemoved", { name: positionals[0] }));
  return 0;
}

function describePair(core: LocalCore, i18n: I18n, pair: PairView): string {
  const account = core.accounts.list().find((a) => a.id === pair.accountId)?.name ?? pair.accountId;
  const message = localized(i18n, pair.message, pair.messagePhrase);
  return `${pair.id}\t${pair.localPath} -> ${account}:${pair.remotePath}\t${pair.deletePolicy}\t${message}`;
}

export async function pairAdd({ core, i18n, output, values, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 2, 2, "pair add LOCAL_DIR ACCOUNT:/remote/path [--delete keep|mirror]");
  const deletePolicy = str(values, "delete") ?? "keep";
  if (deletePolicy !== "keep" && deletePolicy !== "mirror") {
    throw new UsageError(say("cli.deletePolicy", { value: deletePolicy }));
  }
  const localPath = resolvePath(positionals[0]!);
  const info = await stat(localPath).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(say("errors.notAFolder", { path: localPath }));
  const { accountName, path } = parseRemoteRef(positionals[1]!);
  const pair = await core.handlers["pairs.add"]({
    accountId: accountIdFor(core, accountName),
    localPath,
    remotePath: path,
    deletePolicy,
  });
  const remote = `${accountName}:${pair.remotePath}`;
  output.out(i18n.t("cli.paired", { local: localPath, remote, policy: pair.deletePolicy, id: pair.id }));
  return 0;
}

export async function pairList({ core, i18n, output }: CommandContext): Promise<number> {
  const pairs = await core.handlers["pairs.list"]({});
  if (pairs.length === 0) output.out(i18n.t("cli.noPairs"));
  for (const pair of pairs) output.out(describePair(core, i18n, pair));
  return 0;
}

export async function pairRemove({ core, i18n, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "pair remove ID");
  await core.handlers["pairs.remove"]({ pairId: positionals[0]! });
  output.out(i18n.t("cli.pairRemoved", { id: positionals[0] }));
  return 0;
}

/** "Docs: syncing 12 files" for every pair that is doing something. */
function pairsProgress(i18n: I18n, pairs: PairView[]): string {
  const busy = pairs.filter((p) => p.state !== "idle" && p.state !== "paused");
  const shown = busy.length ? busy : pairs;
  return shown
    .map((p) =>
      i18n.t("cli.titled", { title: p.localPath, text: localized(i18n, p.message, p.messagePhrase) }),
    )
    .join("; ");
}

export function summaryLine(i18n: I18n, s: SyncSummary): string {
  const { uploaded, moved, renamed, deleted, unchanged, failed } = s;
  return i18n.t("cli.synced", { uploaded, moved, renamed, deleted, unchanged, failed });
}

/** Script runs that a sync pass started: followed to their end, each with one line. */
async function waitForPairScripts(
  core: LocalCore,
  i18n: I18n,
  output: Output,
  stop: AbortSignal,
): Promise<number> {
  const running = core.tasks
    .snapshot()
    .tasks.filter((task) => task.kind === "script" && task.pairId !== undefined && !isFinalState(task.state));
  if (running.length === 0) return 0;
  const finished = await raceStop(core.runner.whenFinal(running.map((task) => task.id)), stop);
  let failed = 0;
  for (const task of finished) {
    const result = task.log?.findLast((line) => line.level === RESULT_LEVEL)?.text;
    const title = titleOf(i18n, task);
    if (task.state === "succeeded")
      output.out(i18n.t("cli.titled", { title, text: result ?? i18n.t("cli.done") }));
    else {
      failed++;
      output.err(i18n.t("cli.titled", { title, text: errorOf(i18n, task) }));
    }
  }
  return failed;
}

export async function sync(context: CommandContext): Promise<number> {
  const { core, i18n, output, values, positionals, stop } = context;
  expectPositionals(positionals, 0, 0, "sync --once [--yes-delete]");
  if (values.once !== true) throw new UsageError(say("cli.syncNeedsOnce"));
  if (core.engine.pairs().length === 0) throw new UsageError(say("cli.noPairToSync"));
  const progress = progressLine(output);
  const unsubscribe = core.subscribe((event) => {
    if (event.name === "pairs.changed") progress.update(pairsProgress(i18n, event.payload.pairs));
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
  for (const failure of summary.failures)
    output.err(
      i18n.t("cli.failedLine", {
        what: failure.path,
        reason: localized(i18n, failure.reason, failure.reasonPhrase),
      }),
    );
  // In sync means nothing left to do: a held delete is a change the cloud has not seen.
  let held = 0;
  for (const pair of core.engine.pairs()) {
    if (pair.pendingDeletes > 0) {
      held += pair.pendingDeletes;
      output.err(i18n.t("cli.heldDeletes", { path: pair.localPath, n: pair.pendingDeletes }));
    }
  }
  const scriptsFailed = await waitForPairScripts(core, i18n, output, stop);
  output.out(summaryLine(i18n, summary));
  return summary.failed > 0 || held > 0 || scriptsFailed > 0 ? 1 : 0;
}

export async function watch({ core, i18n, output, positionals, stop }: CommandContext): Promise<number> {
  expectPositionals(positionals, 0, 0, "watch");
  const pairs = core.engine.pairs();
  if (pairs.length === 0) throw new UsageError(say("cli.noPairToSync"));
  const progress = progressLine(output);
  const unsubscribe = core.subscribe((event) => {
    if (event.name === "pairs.changed") progress.update(pairsProgress(i18n, event.payload.pairs));
    if (event.name === "activity.appended") {
      for (const entry of event.payload.entries) {
        if (entry.level !== "info") {
          progress.done();
          const text = localized(i18n, entry.text, entry.phrase);
          output.err(i18n.t("cli.levelLine", { level: i18n.t(`cli.level.${entry.level}`), text }));
        }
      }
    }
  });
  try {
    await core.engine.start();
    output.out(i18n.t("cli.watching", { count: pairs.length }));
    progress.update(pairsProgress(i18n, core.engine.pairs()));
    if (!stop.aborted)
      await new Promise((resolve) => stop.addEventListener("abort", resolve, { once: true }));
  } finally {
    unsubscribe();
    progress.done();
  }
  output.out(i18n.t("cli.stopping"));
  await core.close();
  output.out(i18n.t("cli.stopped"));
  return 0;
}

export async function status({ core, i18n, output, values, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 0, 0, "status [--json]");
  const accounts = await core.handlers["accounts.list"]({});
  const pairs = await core.handlers["pairs.list"]({});
  const { tasks } = await core.handlers["tasks.snapshot"]({});
  const active = tasks.filter((t) => !isFinalState(t.state));
  if (values.json === true) {
    output.out(JSON.stringify({ accounts, pairs, tasks: active }, null, 2));
    return 0;
  }
  output.out(i18n.t("cli.statusAccounts", { n: accounts.length }));
  for (const a of accounts) output.out(`  ${a.name}\t${a.baseUrl}\t${accountStatus(i18n, a.status)}`);
  output.out(i18n.t("cli.statusPairs", { n: pairs.length }));
  for (const pair of pairs) {
    output.out(`  ${describePair(core, i18n, pair)}`);
    for (const issue of pair.issues) output.out(`    ${issueLine(i18n, issue)}`);
  }
  output.out(i18n.t("cli.statusTasks", { n: active.length }));
  for (const task of active) {
    output.out(
      `  ${titleOf(i18n, task)}\t${i18n.t(`cli.taskState.${task.state}`)}\t${progressText(i18n, task)}`,
    );
  }
  return 0;
}

/** A failed path, why, and when it is tried next. */
function issueLine(i18n: I18n, issue: PairView["issues"][number]): string {
  const line = i18n.t("cli.titled", {
    title: issue.path,
    text: localized(i18n, issue.reason, issue.reasonPhrase),
  });
  return issue.nextRetryAt
    ? i18n.t("cli.nextTry", { line, time: new Date(issue.nextRetryAt).toISOString() })
    : line;
}

function entryLine(i18n: I18n, entry: EntryView): string {
  const when = entry.mtime ? new Date(entry.mtime).toISOString().slice(0, 16).replace("T", " ") : "";
  const size = entry.kind === "folder" ? "-" : formatBytes(entry.size, i18n.language);
  return `${size.padStart(10)}  ${when.padEnd(16)}  ${entry.name}${entry.kind === "folder" ? "/" : ""}`;
}

export async function ls({ core, i18n, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "ls ACCOUNT:/path");
  const { accountId, entry } = await resolveRemoteRef(core, positionals[0]!);
  if (entry.kind === "file") {
    output.out(entryLine(i18n, entry));
    return 0;
  }
  let cursor: string | null = null;
  do {
    const page: { entries: EntryView[]; next: string | null } = await core.handlers["tree.list"]({
      accountId,
      folderId: entry.id,
      cursor,
    });
    for (const child of page.entries) output.out(entryLine(i18n, child));
    cursor = page.next;
  } while (cursor !== null);
  return 0;
}

export async function mkdir({ core, i18n, output, positionals }: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "mkdir ACCOUNT:/path");
  const { accountName, path } = parseRemoteRef(positionals[0]!);
  const folder = await core.ensureRemoteFolder(accountIdFor(core, accountName), path);
  output.out(i18n.t("cli.isFolder", { ref: `${accountName}:${path}`, id: folder.id }));
  return 0;
}

function failedTaskLines(i18n: I18n, output: Output, tasks: TaskView[]): number {
  let failed = 0;
  for (const task of tasks) {
    if (task.state === "succeeded") continue;
    failed += 1;
    output.err(i18n.t("cli.failedLine", { what: titleOf(i18n, task), reason: errorOf(i18n, task) }));
  }
  return failed;
}

/**
 * The cloud folder `put` uploads into: created (with its missing parents) when it is not there yet,
 * as `pair add` does; a file of that name is a mistake worth naming.
 */
async function putTarget(
  core: LocalCore,
  i18n: I18n,
  output: Output,
  ref: string,
): Promise<{ accountId: string; folderId: string }> {
  const { accountName, path } = parseRemoteRef(ref);
  const accountId = accountIdFor(core, accountName);
  try {
    const entry = await core.resolveRemotePath(accountId, path);
    if (entry.kind !== "folder") throw new UsageError(say("cli.fileNotFolder", { ref }));
    return { accountId, folderId: entry.id };
  } catch (error) {
    if (error instanceof UsageError || toIpcError(error).code !== "not-found") throw error;
  }
  const folder = await core.ensureRemoteFolder(accountId, path);
  output.out(i18n.t("cli.createdFolder", { ref }));
  return { accountId, folderId: folder.id };
}

export async function put({ core, i18n, output, positionals, stop }: CommandContext): Promise<number> {
  if (positionals.length < 2) throw new UsageError(usageOf("put LOCAL... ACCOUNT:/folder"));
  const locals = positionals.slice(0, -1).map((p) => resolvePath(p));
  for (const local of locals) {
    if (!(await stat(local).catch(() => undefined)))
      throw new UsageError(say("errors.missing", { path: local }));
  }
  const { accountId, folderId } = await putTarget(core, i18n, output, positionals.at(-1)!);
  const { taskIds } = await core.handlers["uploads.fromPaths"]({ accountId, folderId, paths: locals });
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
      const size =
        bytes.total > 0
          ? i18n.t("cli.uploadingSize", {
              current: formatBytes(bytes.current, i18n.language),
              total: formatBytes(bytes.total, i18n.language),
            })
          : "";
      progress.update(i18n.t("cli.uploading", { done, total: taskIds.length, size }));
    }),
    stop,
  ).finally(() => progress.done());
  const failed = failedTaskLines(i18n, output, tasks);
  output.out(i18n.t("cli.putDone", { uploaded: taskIds.length - failed, failed }));
  return failed > 0 ? 1 : 0;
}

export async function mv({ core, i18n, output, positionals, stop }: CommandContext): Promise<number> {
  if (positionals.length < 2) throw new UsageError(usageOf("mv ACCOUNT:/a [ACCOUNT:/b ...] ACCOUNT:/target"));
  const refs = positionals.map(parseRemoteRef);
  const accountName = refs.at(-1)!.accountName;
  if (refs.some((r) => accountIdFor(core, r.accountName) !== accountIdFor(core, accountName))) {
    throw new UsageError(say("cli.oneAccount"));
  }
  const target = await resolveRemoteRef(core, positionals.at(-1)!);
  if (target.entry.kind !== "folder")
    throw new UsageError(say("cli.fileNotFolder", { ref: positionals.at(-1)! }));
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
      if (t) progress.update(i18n.t("cli.titled", { title: titleOf(i18n, t), text: progressText(i18n, t) }));
    }),
    stop,
  ).finally(() => progress.done());
  if (!task) throw new Error(inEnglish(say("cli.moveGone")));
  const failed = task.failedItems ?? [];
  for (const item of failed) {
    const reason = localized(i18n, item.reason, item.reasonPhrase);
    output.err(i18n.t("cli.failedLine", { what: item.name, reason }));
  }
  if (task.state === "failed") {
    output.err(i18n.t("cli.moveFailed", { error: task.error ? errorOf(i18n, task) : "" }));
    return 1;
  }
  if (task.state === "cancelled") {
    output.err(i18n.t("cli.moveCancelled"));
    return 1;
  }
  const total = sources.length;
  output.out(i18n.t("cli.moved", { moved: total - failed.length, total, failed: failed.length }));
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
    super(inEnglish(say("cli.interrupted")));
  }
}
