/**
 * The command line: parses the arguments, claims the home folder (one process at a time: a running
 * app or `watch` is named, and this command ends), opens the core on it, runs one command.
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { createI18n, localized, sayWords, type I18n } from "../../shared/i18n/index.ts";
import { languagesFromEnv, resolveLanguage } from "../../shared/i18n/language.ts";
import { createCore, type CoreDeps, type LocalCore } from "../core/create-core.ts";
import { toIpcError } from "../core/ipc-error.ts";
import { storedPreferences } from "../core/settings/settings.ts";
import { say, type Words } from "../core/words.ts";
import { shellNames } from "../shell/boot.ts";
import type { HomeLock } from "../shell/home-lock.ts";
import { claimHome, resolveHome } from "../shell/home.ts";
import * as commands from "./commands.ts";
import { accountCheck } from "./account-check.ts";
import { accountSet, pairScript, scriptRun } from "./script-commands.ts";
import type { Output } from "./output.ts";
import { SECRET_FLAGS, standardInputSecrets, type SecretInput } from "./secret-input.ts";
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
  /** Where secrets given as "-" come from (default: a prompt on a terminal, else standard input). */
  secrets?: SecretInput;
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

/** Replaces each secret given as "-" with the value read for it, in the order the flags were given. */
async function readDashSecrets(
  values: Record<string, string | boolean | undefined>,
  tokens: { kind: string; name?: string; value?: string | undefined }[],
  secrets: SecretInput,
): Promise<void> {
  const flags = tokens
    .filter((t) => t.kind === "option" && SECRET_FLAGS.includes(t.name ?? "") && t.value === "-")
    .map((t) => t.name!);
  if (flags.length === 0) return;
  const read = await secrets(flags);
  flags.forEach((flag, i) => (values[flag] = read[i]));
}

/**
 * The command line speaks the language chosen in the settings (the app's settings page), or else
 * the one its environment names (LC_ALL, LC_MESSAGES, LANG).
 */
export function cliI18n(env: NodeJS.ProcessEnv, home: string): I18n {
  const choice = storedPreferences(home)?.language ?? "system";
  return createI18n(resolveLanguage(choice, languagesFromEnv(env)));
}

export async function runCliProcess(
  argv: string[],
  { env, output, stop, coreDeps, secrets = standardInputSecrets() }: CliEnv,
): Promise<number> {
  let core: LocalCore | undefined;
  let lock: HomeLock | undefined;
  const { home: homeFlag } = looseParse(argv).values;
  const i18n = cliI18n(env, resolveHome(typeof homeFlag === "string" ? homeFlag : undefined, env));
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
        tokens: true,
      });
    } catch (error) {
      throw new UsageError(parseErrorWords((error as Error).message));
    }
    await readDashSecrets(parsed.values, parsed.tokens, secrets);
    const home = resolveHome(typeof parsed.values.home === "string" ? parsed.values.home : undefined, env);
    lock = claimHome(home, say("errors.holders.command", { shell: shellNames.cli, command: key }), (words) =>
      output.err(`docsync: ${sayWords(i18n, words)}`),
    );
    core = await createCore({
      home,
      shell: "cli",
      onBackgroundError: (error) => output.err(`docsync: ${errorLine(error, i18n)}`),
      ...coreDeps,
    });
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
    lock?.release();
  }
}

/** Generated secrets may start with "-", which parseArgs takes for a forgotten value; say how to pass one. */
function parseErrorWords(message: string): Words {
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) return say("cli.dashValue", { flag: ambiguous[1]! });
  return message.split("\n")[0]!.replace(/\. To specify.*$/, "");
}

/** One line a user can act on, whatever failed, in the command line's language. */
export function errorLine(error: unknown, i18n: I18n): string {
  if (error instanceof UsageError) return i18n.t("cli.seeHelp", { message: sayWords(i18n, error.words) });
  if (error instanceof commands.Interrupted) return i18n.t("cli.interrupted");
  const ipc = toIpcError(error);
  return localized(i18n, ipc.message, ipc.phrase).split("\n")[0]!;
}
