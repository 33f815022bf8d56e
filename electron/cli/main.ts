/** The command line: parses the arguments, opens the core on the home folder, runs one command. */
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { createI18n, localized, sayWords, type I18n } from "../../shared/i18n/index.ts";
import { languagesFromEnv, resolveLanguage } from "../../shared/i18n/language.ts";
import { createCore, type CoreDeps, type LocalCore } from "../core/create-core.ts";
import { toIpcError } from "../core/ipc-error.ts";
import { storedPreferences } from "../core/settings/settings.ts";
import { say } from "../core/words.ts";
import * as commands from "./commands.ts";
import { accountCheck } from "./account-check.ts";
import { accountSet, pairScript, scriptRun } from "./script-commands.ts";
import type { Output } from "./output.ts";
import { UsageError } from "./usage.ts";

type Command = (context: commands.CommandContext) => Promise<number>;

const global = {
  home: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsOptionsConfig;

const strings = (...names: string[]): ParseArgsOptionsConfig =>
  Object.fromEntries(names.map((name) => [name, { type: "string" as const }]));

/** Command words → the command and the options it takes. */
const table: Record<string, { run: Command; options?: ParseArgsOptionsConfig }> = {
  "account add": {
    run: commands.accountAdd,
    options: strings(
      "name",
      "base-url",
      "app-id",
      "app-key",
      "ost-base-url",
      "ost-app-id",
      "ost-api-key",
      "ost-api-secret",
      "token",
    ),
  },
  "account list": { run: commands.accountList },
  "account test": { run: commands.accountTest },
  "account check": { run: accountCheck, options: { ...strings("out"), json: { type: "boolean" } } },
  "account remove": { run: commands.accountRemove },
  "account set": { run: accountSet, options: strings("access-token") },
  "pair add": { run: commands.pairAdd, options: strings("delete") },
  "pair list": { run: commands.pairList },
  "pair remove": { run: commands.pairRemove },
  "pair script": {
    run: pairScript,
    options: { ...strings("ext", "file", "name"), off: { type: "boolean" } },
  },
  sync: { run: commands.sync, options: { once: { type: "boolean" }, "yes-delete": { type: "boolean" } } },
  watch: { run: commands.watch },
  status: { run: commands.status, options: { json: { type: "boolean" } } },
  ls: { run: commands.ls },
  put: { run: commands.put },
  mkdir: { run: commands.mkdir },
  mv: { run: commands.mv },
  "script run": { run: scriptRun, options: strings("file", "name") },
};

const groups = new Set(["account", "pair", "script"]);

export interface CliEnv {
  env: NodeJS.ProcessEnv;
  output: Output;
  /** Aborted on SIGINT/SIGTERM. */
  stop: AbortSignal;
  /** For tests and other embedders. */
  coreDeps?: Partial<CoreDeps>;
}

/** A loose first pass, only to find the home and the command words; the strict pass checks everything. */
function looseParse(argv: string[]) {
  return parseArgs({ args: argv, options: global, strict: false, allowPositionals: true, tokens: true });
}

function findCommand(argv: string[]): { key: string; rest: string[] } {
  const { tokens } = looseParse(argv);
  const words = tokens.filter((t) => t.kind === "positional");
  const first = words[0];
  if (!first) throw new UsageError(say("cli.noCommand"));
  let key = first.value;
  let drop = [first.index];
  if (groups.has(key)) {
    const second = words[1];
    if (!second) throw new UsageError(say("cli.needsSubcommand", { group: key }));
    key = `${key} ${second.value}`;
    drop = [first.index, second.index];
  }
  if (!table[key]) throw new UsageError(say("cli.unknownCommand", { command: key }));
  return { key, rest: argv.filter((_, i) => !drop.includes(i)) };
}

export function homeFrom(values: { home?: string | boolean }, env: NodeJS.ProcessEnv): string {
  const home =
    typeof values.home === "string" ? values.home : env.DOCSYNC_HOME || join(homedir(), ".docsync");
  return resolve(home);
}

/**
 * The command line speaks the language chosen in the settings (the app's settings page), or else
 * the one its environment names (LC_ALL, LC_MESSAGES, LANG).
 */
export function cliI18n(env: NodeJS.ProcessEnv, home: string): I18n {
  const choice = storedPreferences(home)?.language ?? "system";
  return createI18n(resolveLanguage(choice, languagesFromEnv(env)));
}

export async function runCli(argv: string[], { env, output, stop, coreDeps }: CliEnv): Promise<number> {
  let core: LocalCore | undefined;
  const i18n = cliI18n(env, homeFrom(looseParse(argv).values, env));
  try {
    if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
      output.out(i18n.t("cli.help"));
      return argv.length === 0 ? 2 : 0;
    }
    const { key, rest } = findCommand(argv);
    const spec = table[key]!;
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...global, ...spec.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError((error as Error).message.split("\n")[0]!.replace(/\. To specify.*$/, ""));
    }
    const home = homeFrom(parsed.values, env);
    mkdirSync(home, { recursive: true, mode: 0o700 });
    core = await createCore({ home, shell: "cli", ...coreDeps });
    return await spec.run({
      core,
      home,
      i18n,
      output,
      values: parsed.values,
      positionals: parsed.positionals,
      stop,
    });
  } catch (error) {
    output.err(`docsync: ${errorLine(error, i18n)}`);
    if (error instanceof UsageError) return 2;
    return error instanceof commands.Interrupted ? 130 : 1;
  } finally {
    await core?.close();
  }
}

/** One line a user can act on, whatever failed, in the command line's language. */
export function errorLine(error: unknown, i18n: I18n): string {
  if (error instanceof UsageError) return i18n.t("cli.seeHelp", { message: sayWords(i18n, error.words) });
  if (error instanceof commands.Interrupted) return i18n.t("cli.interrupted");
  const ipc = toIpcError(error);
  return localized(i18n, ipc.message, ipc.phrase).split("\n")[0]!;
}
