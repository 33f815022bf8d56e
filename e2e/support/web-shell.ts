/** The web shell under test: `electron/serve.ts` in a process of its own, on a home, and the address it prints. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const serveScript = join(repo, "electron", "serve.ts");
/** Node's cache of compiled modules: a shell per test starts in about half the time with it. */
const compileCache = join(repo, "node_modules", ".cache", "node-compile");
/** A shell that has not stopped by then is killed, and its test fails saying so. */
const STOP_DEADLINE_MS = 10_000;

export interface WebShellProcess {
  /** Exactly the line the shell printed: the address to open, with its access token. */
  url: string;
  stop(): Promise<void>;
}

/** Starts the web shell on a free port; everything it writes goes to `log`. */
export async function startWebShellProcess(
  home: string,
  log: (text: string) => void,
): Promise<WebShellProcess> {
  const child = spawn(process.execPath, [serveScript, "--home", home, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { NODE_COMPILE_CACHE: compileCache, ...process.env },
  });
  child.stderr.setEncoding("utf8").on("data", log);
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? `code ${code}`)),
  );
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => log(`${line}\n`));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), STOP_DEADLINE_MS);
    });
    const outcome = await Promise.race([exited, deadline]);
    clearTimeout(timer);
    if (outcome === "late") {
      child.kill("SIGKILL");
      await exited;
      throw new Error(`the web shell did not stop within ${STOP_DEADLINE_MS} ms of SIGTERM`);
    }
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("error", reject);
      void exited.then((how) =>
        reject(new Error(`the web shell ended (${how}) before printing its address`)),
      );
    });
    if (!/^https?:\/\//.test(url)) throw new Error(`the web shell printed "${url}" instead of its address`);
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
