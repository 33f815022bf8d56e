/** `account set` and `script run`: a user access token on an account, and scripts with their live log. */
import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import type { TaskView } from "../../shared/model.ts";
import { localized } from "../../shared/i18n/index.ts";
import { toIpcError } from "../core/ipc-error.ts";
import { inEnglish, say } from "../core/words.ts";
import { RESULT_LEVEL, type TaskLogLine } from "../core/scripts/index.ts";
import { raceStop, usageOf, type CommandContext } from "./commands.ts";
import { accountIdFor, parseRemoteRef, resolveRemoteRef } from "./remote-ref.ts";
import { UsageError } from "./usage.ts";

const str = (values: CommandContext["values"], key: string): string | undefined => {
  const value = values[key];
  return typeof value === "string" ? value : undefined;
};

/** Why a script file cannot be used, as the user typed its path. */
async function readScript(path: string): Promise<string> {
  return readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    const reason = error.code === "ENOENT" ? say("cli.noSuchFile") : error.message;
    throw new UsageError(say("cli.cannotRead", { path, reason }));
  });
}

export async function accountSet({
  core,
  i18n,
  output,
  values,
  positionals,
}: CommandContext): Promise<number> {
  const usage = usageOf("account set NAME --access-token TOKEN");
  if (positionals.length !== 1) throw new UsageError(usage);
  const accessToken = str(values, "access-token");
  if (accessToken === undefined) throw new UsageError(say("cli.tokenRequired", { usage }));
  if (accessToken.trim() === "") throw new UsageError(say("cli.tokenEmpty"));
  const name = positionals[0]!;
  await core.handlers["accounts.setAccessToken"]({ accountId: accountIdFor(core, name), accessToken });
  output.out(i18n.t("cli.tokenSaved", { name }));
  return 0;
}

/** "17:29:58.114" in local time. */
function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

export function logLineText(line: TaskLogLine): string {
  return `${clock(line.time)} [${line.level}] ${line.text}`;
}

export async function scriptRun({
  core,
  i18n,
  output,
  values,
  positionals,
  stop,
}: CommandContext): Promise<number> {
  if (positionals.length !== 1) {
    throw new UsageError(usageOf("script run ACCOUNT:/path/to/document --file SCRIPT [--name NAME]"));
  }
  const file = str(values, "file");
  if (file === undefined) throw new UsageError(say("cli.fileRequired"));
  const scriptPath = resolvePath(file);
  const script = await readScript(scriptPath);
  if (script.trim() === "") throw new UsageError(say("cli.scriptEmpty", { path: scriptPath }));
  const name = str(values, "name");
  const { accountName } = parseRemoteRef(positionals[0]!);
  const { accountId, entry } = await resolveRemoteRef(core, positionals[0]!);
  if (entry.kind !== "file") throw new UsageError(say("cli.scriptOnFolder", { ref: positionals[0]! }));

  // Lines are collected from before the start, so none can arrive ahead of the task id.
  let taskId: string | undefined;
  let result: string | undefined;
  const early: [string, TaskLogLine[]][] = [];
  const print = (lines: TaskLogLine[]) => {
    for (const line of lines) {
      if (line.level === RESULT_LEVEL) result = line.text;
      else output.out(logLineText(line));
    }
  };
  const unsubscribe = core.scripts.onLog((id, lines) => {
    if (taskId === undefined) early.push([id, lines]);
    else if (id === taskId) print(lines);
  });
  let task: TaskView | undefined;
  try {
    try {
      ({ taskId } = await core.handlers["scripts.run"]({
        accountId,
        fileId: entry.id,
        script,
        ...(name ? { name } : {}),
      }));
    } catch (error) {
      const ipc = toIpcError(error);
      if (ipc.code !== "credentials") throw error;
      const said = localized(i18n, ipc.message, ipc.phrase);
      throw new Error(i18n.t("cli.setToken", { said, account: accountName }), { cause: error });
    }
    for (const [id, lines] of early) if (id === taskId) print(lines);
    [task] = await raceStop(core.runner.whenFinal([taskId]), stop);
  } finally {
    unsubscribe();
  }
  if (!task) throw new Error(inEnglish(say("cli.scriptGone")));
  if (task.state !== "succeeded") {
    const error = task.error
      ? localized(i18n, task.error, task.errorPhrase)
      : i18n.t("cli.scriptEnded", { state: i18n.t(`cli.taskState.${task.state}`) });
    output.err(`docsync: ${error}`);
    return 1;
  }
  output.out(i18n.t("cli.result", { result: result ?? "" }));
  return 0;
}

/** `pair script ID --ext xlsx,csv --file SCRIPT [--name NAME]`, or `--off`. */
export async function pairScript({
  core,
  i18n,
  output,
  values,
  positionals,
}: CommandContext): Promise<number> {
  const usage = usageOf(
    "pair script ID --ext EXT[,EXT...] --file SCRIPT [--name NAME] | pair script ID --off",
  );
  if (positionals.length !== 1) throw new UsageError(usage);
  const pairId = positionals[0]!;
  if (values.off === true) {
    await core.handlers["pairs.setScript"]({ pairId, rule: null });
    output.out(i18n.t("cli.scriptOff", { id: pairId }));
    return 0;
  }
  const ext = str(values, "ext");
  const file = str(values, "file");
  if (ext === undefined || file === undefined) throw new UsageError(say("cli.extAndFile", { usage }));
  const extensions = ext
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  if (extensions.length === 0) throw new UsageError(say("cli.extEmpty"));
  const scriptPath = resolvePath(file);
  const script = await readScript(scriptPath);
  const pair = await core.handlers["pairs.setScript"]({
    pairId,
    rule: { extensions, script, name: str(values, "name") },
  });
  const kinds = pair.script?.extensions.map((e) => `.${e}`).join(", ") ?? "";
  output.out(i18n.t("cli.scriptOn", { id: pair.id, path: scriptPath, extensions: kinds }));
  return 0;
}
