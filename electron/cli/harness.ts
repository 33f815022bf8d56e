/** Runs the real command line as a child process, for the command line's tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const node = fileURLToPath(new URL("../../node_modules/.bin/node", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(home: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(node, ["electron/cli.ts", "--home", home, ...args], {
    cwd: root,
    env: { ...process.env, DOCSYNC_HOME: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
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

export function runCli(home: string, ...args: string[]): Promise<CliResult> {
  return collect(spawnCli(home, args));
}

/** The last non-empty line of a text. */
export function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}
