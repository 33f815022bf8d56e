/** `account set` and `script run`: a user access token on an account, and scripts with their live log. */
import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import type { TaskView } from "../../shared/model.ts";
import { toIpcError } from "../core/ipc-error.ts";
import { RESULT_LEVEL, type TaskLogLine } from "../core/scripts/index.ts";
import { raceStop, type CommandContext } from "./commands.ts";
import { accountIdFor, parseRemoteRef, resolveRemoteRef } from "./remote-ref.ts";
import { UsageError } from "./usage.ts";

const str = (values: CommandContext["values"], key: string): string | undefined => {
  const value = values[key];
  return typeof value === "string" ? value : undefined;
};

export async function accountSet({ core, output, values, positionals }: CommandContext): Promise<number> {
  const usage = "usage: account set NAME --access-token TOKEN";
  if (positionals.length !== 1) throw new UsageError(usage);
  const accessToken = str(values, "access-token");
  if (accessToken === undefined) throw new UsageError(`--access-token is required; ${usage}`);
  if (accessToken.trim() === "") throw new UsageError("--access-token: must not be empty");
  const name = positionals[0]!;
  await core.handlers["accounts.setAccessToken"]({ accountId: accountIdFor(core, name), accessToken });
  output.out(`"${name}": the user access token is saved (encrypted); scripts can run`);
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
  output,
  values,
  positionals,
  stop,
}: CommandContext): Promise<number> {
  if (positionals.length !== 1) {
    throw new UsageError("usage: script run ACCOUNT:/path/to/document --file SCRIPT [--name NAME]");
  }
  const file = str(values, "file");
  if (file === undefined) throw new UsageError("--file is required (the script to run)");
  const scriptPath = resolvePath(file);
  const script = await readFile(scriptPath, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `cannot read ${scriptPath}: ${error.code === "ENOENT" ? "no such file" : error.message}`,
    );
  });
  if (script.trim() === "") throw new UsageError(`${scriptPath} is empty`);
  const name = str(values, "name");
  const { accountName } = parseRemoteRef(positionals[0]!);
  const { accountId, entry } = await resolveRemoteRef(core, positionals[0]!);
  if (entry.kind !== "file")
    throw new UsageError(`${positionals[0]} is a folder; a script runs on a document.`);

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
      const said = ipc.message.replace(/[.;\s]*$/, ".");
      throw new Error(`${said} Set it with: account set ${accountName} --access-token TOKEN`, {
        cause: error,
      });
    }
    for (const [id, lines] of early) if (id === taskId) print(lines);
    [task] = await raceStop(core.runner.whenFinal([taskId]), stop);
  } finally {
    unsubscribe();
  }
  if (!task) throw new Error("The script task disappeared.");
  if (task.state !== "succeeded") {
    output.err(`docsync: ${task.error ?? `the script task was ${task.state}`}`);
    return 1;
  }
  output.out(`result: ${result ?? ""}`);
  return 0;
}

/** `pair script ID --ext xlsx,csv --file SCRIPT [--name NAME]`, or `--off`. */
export async function pairScript({ core, output, values, positionals }: CommandContext): Promise<number> {
  const usage = "usage: pair script ID --ext EXT[,EXT...] --file SCRIPT [--name NAME] | pair script ID --off";
  if (positionals.length !== 1) throw new UsageError(usage);
  const pairId = positionals[0]!;
  if (values.off === true) {
    await core.handlers["pairs.setScript"]({ pairId, rule: null });
    output.out(`pair ${pairId}: no script runs after uploads`);
    return 0;
  }
  const ext = str(values, "ext");
  const file = str(values, "file");
  if (ext === undefined || file === undefined)
    throw new UsageError(`--ext and --file are required; ${usage}`);
  const extensions = ext
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  if (extensions.length === 0)
    throw new UsageError("--ext names at least one extension, e.g. --ext xlsx,csv");
  const scriptPath = resolvePath(file);
  const script = await readFile(scriptPath, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `cannot read ${scriptPath}: ${error.code === "ENOENT" ? "no such file" : error.message}`,
    );
  });
  const pair = await core.handlers["pairs.setScript"]({
    pairId,
    rule: { extensions, script, name: str(values, "name") },
  });
  output.out(
    `pair ${pair.id}: runs ${scriptPath} on each uploaded ${pair.script?.extensions.map((e) => `.${e}`).join(", ")} document`,
  );
  return 0;
}
