/** Shared by the benchmarks: file trees, percentiles, a sandbox in a child process. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** `folders` folders (10 per parent level) each holding `perFolder` files of `size` bytes. */
export function makeTree(root: string, folders: number, perFolder: number, size: number): number {
  const body = Buffer.alloc(size, "x");
  // Written an hour ago, as in a folder its user has had for a while: a file written moments before
  // it is recorded is hashed again at its next look (a racy record), which is not what these measure.
  const anHourAgo = Date.now() / 1000 - 3600;
  let count = 0;
  for (let f = 0; f < folders; f++) {
    const folder = join(root, `group${Math.floor(f / 10)}`, `folder${f}`);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < perFolder; i++) {
      // Distinct content per file, so move detection by hash never pairs unrelated files.
      body.write(`${f}:${i}:`, 0);
      writeFileSync(join(folder, `file${i}.txt`), body);
      utimesSync(join(folder, `file${i}.txt`), anHourAgo, anHourAgo);
      count += 1;
    }
  }
  return count;
}

/** makeTree in a child process, so the benchmark's own memory figures stay clean. */
export function makeTreeInChild(root: string, folders: number, perFolder: number, size: number): number {
  const self = new URL(import.meta.url).href;
  const script = `import { makeTree } from ${JSON.stringify(self)}; console.log(makeTree(${JSON.stringify(root)}, ${folders}, ${perFolder}, ${size}));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  return Number(out.trim());
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) ? value : fallback;
};

export const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

/** The local cloud as its own process (`npm run sandbox`), as a user would run it. */
export async function spawnSandbox(args: string[] = []): Promise<{
  url: string;
  appId: string;
  appKey: string;
  process: ChildProcess;
  stop(): Promise<void>;
}> {
  const main = fileURLToPath(new URL("../sandbox/main.ts", import.meta.url));
  const child = spawn(process.execPath, [main, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const info = await new Promise<{ url: string; appId: string; appKey: string }>((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`the sandbox exited (${code})`)));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      const appId = /kdocs app_id: (\S+)/.exec(out)?.[1];
      const appKey = /kdocs app_key: (\S+)/.exec(out)?.[1];
      if (url && appId && appKey) resolve({ url, appId, appKey });
    });
  });
  return {
    ...info,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.on("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
