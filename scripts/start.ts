/**
 * `npm start [-- --home DIR] [-- --port N] [-- --web]`: the desktop app when Electron's binary is
 * installed (on a machine that can reach Electron's downloads it is installed first), otherwise the
 * web shell, saying why in one line and printing the address to open.
 */
import { spawn } from "node:child_process";
import { lookup } from "node:dns/promises";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensureRendererBuilt } from "./build-renderer.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const electronPackage = join(repo, "node_modules", "electron");
const INSTALL_TIMEOUT_MS = 120_000;
const PROBE_TIMEOUT_MS = 3_000;

/** The Electron binary's path, the way the electron package finds it, when it is there. */
export function electronBinary(packageDir = electronPackage): string | undefined {
  const pathFile = join(packageDir, "path.txt");
  if (!existsSync(pathFile)) return undefined;
  const binary = join(
    process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, "dist"),
    readFileSync(pathFile, "utf8").trim(),
  );
  return existsSync(binary) ? binary : undefined;
}

/** Whether Electron's download host answers at all, within a few seconds (build machines reach npm only). */
export async function canReachElectronDownloads(timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const mirror = process.env.ELECTRON_MIRROR ?? "https://github.com/";
  try {
    const host = new URL(mirror).hostname;
    await Promise.race([
      lookup(host),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
    ]);
    const response = await fetch(mirror, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    return response.status < 500;
  } catch {
    return false;
  }
}

/** Runs Electron's own installer, stopped after a deadline; resolves with whether the binary is there. */
export function installElectron(timeoutMs = INSTALL_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronPackage, "install.js")], {
      cwd: electronPackage,
      stdio: "ignore",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", () => resolve(false));
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(electronBinary() !== undefined);
    });
  });
}

async function startDesktop(binary: string, args: string[]): Promise<never> {
  const { buildDesktop, desktopDir } = await import("./build-desktop.ts");
  await buildDesktop();
  const child = spawn(binary, [desktopDir, ...args], { stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 0)));
  process.exit(code);
}

async function startWeb(reason: string, home: string | undefined, port: number): Promise<void> {
  const [{ startWebShell }, { keepFilesPrivate, resolveHome }] = await Promise.all([
    import("../electron/web/server.ts"),
    import("../electron/shell/home.ts"),
  ]);
  console.error(`docsync: ${reason}; starting the web shell instead.`);
  keepFilesPrivate();
  const shell = await startWebShell({ home: resolveHome(home), port });
  console.log(shell.url);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void shell.close().finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { home: { type: "string" }, port: { type: "string" }, web: { type: "boolean" } },
    strict: false,
  });
  const home = typeof values.home === "string" ? values.home : undefined;
  const port = typeof values.port === "string" ? Number(values.port) : 0;
  const passOn = home ? ["--home", home] : [];

  await ensureRendererBuilt();
  if (values.web) return startWeb("--web was given", home, port);

  let binary = electronBinary();
  if (
    !binary &&
    existsSync(join(electronPackage, "install.js")) &&
    !process.env.DOCSYNC_SKIP_ELECTRON_INSTALL
  ) {
    if (await canReachElectronDownloads()) {
      console.error("docsync: installing Electron's binary (first start)…");
      if (await installElectron()) binary = electronBinary();
    }
  }
  if (binary) return startDesktop(binary, passOn);
  const why = existsSync(electronPackage)
    ? "Electron's binary is not installed and cannot be downloaded from here"
    : "Electron is not installed";
  return startWeb(why, home, port);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(`docsync: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
