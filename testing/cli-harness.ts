/** Runs the real command line as a child process against the local cloud, for the command line's tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { startSandbox, type Sandbox } from "../sandbox/server.ts";
import { waitFor } from "./harness.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const node = fileURLToPath(new URL("../node_modules/.bin/node", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real command line on `home`; `input`, when given, is its standard input. */
export function spawnCli(
  home: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  input?: string,
): ChildProcess {
  const child = spawn(node, ["electron/cli.ts", "--home", home, ...args], {
    cwd: root,
    // English, whatever the machine's locale, unless a test asks for another language.
    env: {
      ...process.env,
      DOCSYNC_HOME: "",
      LANGUAGE: "",
      LC_ALL: "",
      LC_MESSAGES: "",
      LANG: "C.UTF-8",
      ...env,
    },
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  if (input !== undefined) child.stdin!.end(input);
  return child;
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export function runCliProcess(home: string, ...args: string[]): Promise<CliResult> {
  return collect(spawnCli(home, args));
}

/** The command line with `input` as its standard input (secrets given as "-"). */
export function runCliWithInput(home: string, input: string, ...args: string[]): Promise<CliResult> {
  return collect(spawnCli(home, args, {}, input));
}

/** Names listed by `ls`, folders with a trailing slash. */
export const lsNames = (stdout: string): (string | undefined)[] =>
  stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(/\s{2,}/).at(-1));

/** The last non-empty line of a text. */
export function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}

export interface CliWorld {
  /** The local cloud the file's tests talk to. */
  sandbox: Sandbox;
  /** A scratch folder for the test's own files; `home` is inside it. */
  root: string;
  home: string;
}

/** Starts the local cloud for a file's tests, with a fresh home for each test or one for the whole file. */
export function useCliWorld(homePer: "test" | "file"): CliWorld {
  const world = {} as CliWorld;
  const enter = () => {
    world.root = mkdtempSync(join(tmpdir(), "docsync-cli-"));
    world.home = join(world.root, "home");
    mkdirSync(world.home);
  };
  const leave = () => rmSync(world.root, { recursive: true, force: true });
  beforeAll(async () => {
    world.sandbox = await startSandbox();
    if (homePer === "file") enter();
  });
  afterAll(async () => {
    await world.sandbox?.close();
    if (homePer === "file") leave();
  });
  if (homePer === "test") {
    beforeEach(enter);
    afterEach(leave);
  }
  return world;
}

/** The arguments of `account add kdocs`; a flag left undefined is not passed. */
export function addKdocsArgs(flags: {
  name: string;
  baseUrl: string;
  appId?: string;
  appKey?: string;
}): string[] {
  return [
    ...["account", "add", "kdocs", "--name", flags.name, "--base-url", flags.baseUrl],
    ...(flags.appId === undefined ? [] : ["--app-id", flags.appId]),
    ...(flags.appKey === undefined ? [] : ["--app-key", flags.appKey]),
  ];
}

/** `account add kdocs` for the local cloud's application, named "Work". */
export function addWorkArgs(sandbox: Sandbox, appKey = sandbox.appKey): string[] {
  return addKdocsArgs({ name: "Work", baseUrl: sandbox.url, appId: sandbox.appId, appKey });
}

/** The local cloud's account "Work" on the world's home, and a new local folder `name` paired with Work:/name. */
export async function pairNewFolder(world: CliWorld, name = "docs"): Promise<string> {
  const { root, home, sandbox } = world;
  const added = await runCliProcess(home, ...addWorkArgs(sandbox));
  if (added.code !== 0) throw new Error(`account add failed: ${added.stderr}`);
  const local = join(root, name);
  mkdirSync(local);
  const paired = await runCliProcess(home, "pair", "add", local, `Work:/${name}`);
  if (paired.code !== 0) throw new Error(`pair add failed: ${paired.stderr}`);
  return local;
}

export interface Watching {
  child: ChildProcess;
  /** The process's end, with everything it wrote. */
  done: Promise<CliResult>;
  /** What it wrote to stdout so far. */
  out(): string;
}

/** `watch` on `home`, once its first pass left `local` in sync. */
export async function startWatch(home: string, local: string): Promise<Watching> {
  const child = spawnCli(home, ["watch"]);
  const done = collect(child);
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => out.includes(`${local}: in sync`) || child.exitCode !== null, "the first pass", 20_000);
  if (child.exitCode !== null) throw new Error(`watch ended: ${(await done).stderr}`);
  return { child, done, out: () => out };
}
