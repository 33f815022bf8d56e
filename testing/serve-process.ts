/** Runs the real web shell (`node electron/serve.ts`) as a child process, for tests of what a process does. */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const node = fileURLToPath(new URL("../node_modules/.bin/node", import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** The printed address (empty when the process ended before printing it). */
  url: string;
  port: number;
  token: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the web shell on `home` (umask 022 unless told) and resolves once it printed its address or ended. */
export async function startServe(home: string, options: { umask?: string } = {}): Promise<ServeProcess> {
  const child = spawn(
    "/bin/sh",
    ["-c", `umask ${options.umask ?? "022"} && exec "$0" electron/serve.ts --home "$1"`, node, home],
    { cwd: root, env: { ...process.env, DOCSYNC_HOME: "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = once(child, "exit");
  const printed = new Promise<void>((resolve) => {
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("\n")) resolve();
    });
  });
  await Promise.race([printed, exited]);
  const url = out.split("\n")[0]!.trim();
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  return {
    child,
    url,
    port: Number(parsed?.port ?? 0),
    token: parsed?.searchParams.get("token") ?? "",
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
