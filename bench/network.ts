/**
 * `npm run bench -- network [--only small|large] [--rounds N] [--files N] [--mib N] [--at LIST]`
 *
 * Uploads over a modelled network: 1,000 files of 4 KiB in 10 folders, and one file of 512 MiB,
 * each through the command line (`node electron/cli.ts sync --once`, a process of its own) to the
 * local cloud started with `--faults latency=MS[,bandwidth=MBPS]` (a process of its own, a fresh one
 * per run). Each run prints files/s, MB/s, requests per file (every request the cloud served during
 * the sync), the peak number of requests it served at once, and the ratio to the ceiling:
 * files/s x RTT / requests in flight for small files, MB/s / link bandwidth for a capped link.
 * Times are the command's whole run, from spawn to exit (start-up and journal included); each line
 * ends with the machine's load average, which such numbers depend on.
 *
 * `--at` picks the conditions, e.g. `--at 50,50@20` (latency 50 ms; latency 50 ms over 20 MB/s).
 * Reference: the same 1,000 files at latency 50 took 16.8 s (59 files/s) before uploads adapted
 * their concurrency, with 8 in flight.
 */
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { tempDir } from "../testing/harness.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const { values } = parseArgs({
  options: {
    only: { type: "string" },
    rounds: { type: "string", default: "1" },
    files: { type: "string", default: "1000" },
    mib: { type: "string", default: "512" },
    at: { type: "string", default: "0,50,200,50@20" },
  },
});
const rounds = Math.max(1, Number(values.rounds));
const fileCount = Number(values.files);
const largeBytes = Number(values.mib) * 1024 * 1024;
const conditions = values.at!.split(",").map((text) => {
  const [latency, bandwidth] = text.split("@");
  return {
    latencyMs: Number(latency),
    bandwidthMBps: bandwidth === undefined ? undefined : Number(bandwidth),
  };
});
const workloads = (["small", "large"] as const).filter((w) => !values.only || values.only === w);

interface Cloud {
  url: string;
  control: string;
  kdocs: { appId: string; appKey: string };
  ost: { appId: string; apiKey: string; apiSecret: string };
  stop(): Promise<void>;
}

async function startCloud(faults: string): Promise<Cloud> {
  const args = [join(root, "sandbox/main.ts"), "--port", "0", "--plan", "unlimited"];
  if (faults) args.push("--faults", faults);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the local cloud exited (${code})`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (/^data: /m.test(out)) resolve();
    });
  });
  const field = (label: string) => new RegExp(`^${label}: (\\S+)`, "m").exec(out)![1]!;
  return {
    url: /^sandbox listening on (\S+)/m.exec(out)![1]!,
    control: /^control token [^:]*: (\S+)/m.exec(out)![1]!,
    kdocs: { appId: field("kdocs app_id"), appKey: field("kdocs app_key") },
    ost: { appId: field("ost app_id"), apiKey: field("ost api_key"), apiSecret: field("ost api_secret") },
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function control<T>(cloud: Cloud, method: string, path: string): Promise<T> {
  const response = await fetch(`${cloud.url}/__sandbox/${path}`, {
    method,
    headers: { "x-sandbox-token": cloud.control },
  });
  return ((await response.json()) as { data: T }).data;
}

const cli = (home: string, ...args: string[]) =>
  execFileSync(process.execPath, [join(root, "electron/cli.ts"), "--home", home, ...args], {
    encoding: "utf8",
    env: { ...process.env, DOCSYNC_HOME: "" },
  });

/** Runs `sync --once` as its own process; answers its wall time and last line. */
function timedSync(home: string): Promise<{ ms: number; line: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, "electron/cli.ts"), "--home", home, "sync", "--once"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, DOCSYNC_HOME: "" },
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      const ms = performance.now() - started;
      const line = out.trimEnd().split("\n").at(-1) ?? "";
      if (code !== 0) reject(new Error(`sync --once exited with ${code}: ${line}`));
      else resolve({ ms, line });
    });
  });
}

/** 10 folders of small files, each file's content unique to this run (the cloud dedupes nothing). */
function makeSmallFiles(dir: string, run: number): void {
  const body = Buffer.alloc(4096, "x");
  const perFolder = Math.ceil(fileCount / 10);
  for (let n = 0; n < fileCount; n++) {
    const folder = join(dir, "group0", `folder${Math.floor(n / perFolder)}`);
    if (n % perFolder === 0) mkdirSync(folder, { recursive: true });
    body.write(`${run}:${n}:`, 0);
    const fd = openSync(join(folder, `file${n}.txt`), "w");
    writeSync(fd, body);
    closeSync(fd);
  }
}

/** One large file; its first bytes name the run, so each run sends content new to the cloud. */
function makeLargeFile(path: string, run: number): void {
  const chunk = randomBytes(1024 * 1024);
  const fd = openSync(path, "w");
  for (let written = 0; written < largeBytes; written += chunk.length) {
    chunk.writeUInt32LE(written / chunk.length, 0);
    chunk.write(`run ${run} `, 4);
    writeSync(fd, chunk, 0, Math.min(chunk.length, largeBytes - written));
  }
  closeSync(fd);
}

interface Result {
  files: number;
  bytes: number;
  ms: number;
  requests: number;
  peak: number;
}

async function runOnce(
  workload: "small" | "large",
  condition: (typeof conditions)[number],
  run: number,
): Promise<Result> {
  const dir = tempDir("docsync-bench-network-");
  const faults = [
    condition.latencyMs ? `latency=${condition.latencyMs}` : "",
    condition.bandwidthMBps ? `bandwidth=${condition.bandwidthMBps}` : "",
  ]
    .filter(Boolean)
    .join(",");
  const cloud = await startCloud(faults);
  try {
    const local = join(dir.path, "local");
    const home = join(dir.path, "home");
    mkdirSync(local, { recursive: true });
    mkdirSync(home, { recursive: true });
    if (workload === "small") makeSmallFiles(local, run);
    else makeLargeFile(join(local, "large.bin"), run);
    cli(
      home,
      ...["account", "add", "kdocs", "--name", "Net", "--base-url", cloud.url],
      // name=value: a generated secret may begin with "-".
      `--app-id=${cloud.kdocs.appId}`,
      `--app-key=${cloud.kdocs.appKey}`,
      ...["--ost-base-url", cloud.url, `--ost-app-id=${cloud.ost.appId}`],
      `--ost-api-key=${cloud.ost.apiKey}`,
      `--ost-api-secret=${cloud.ost.apiSecret}`,
    );
    cli(home, "pair", "add", local, "Net:/bench");
    await control(cloud, "DELETE", "stats");
    const { ms, line } = await timedSync(home);
    const files = workload === "small" ? fileCount : 1;
    if (!line.startsWith(`synced: ${files} uploaded`) || !line.endsWith(" 0 failed"))
      throw new Error(`unexpected summary: ${line}`);
    const stats = await control<Record<string, number>>(cloud, "GET", "stats");
    const { peak } = await control<{ peak: number }>(cloud, "GET", "in-flight");
    const requests = Object.values(stats).reduce((sum, n) => sum + n, 0);
    return { files, bytes: workload === "small" ? fileCount * 4096 : largeBytes, ms, requests, peak };
  } finally {
    await cloud.stop();
    dir.remove();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[], digits: number) =>
  xs.length > 1
    ? ` (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)} over ${xs.length})`
    : "";

console.log(
  `network: ${fileCount} x 4 KiB in 10 folders, and 1 x ${values.mib} MiB, through sync --once against ` +
    `the local cloud with --faults; reference: 59 files/s at latency 50 (8 in flight, before)`,
);
for (const workload of workloads) {
  for (const condition of conditions) {
    const results: Result[] = [];
    for (let r = 0; r < rounds; r++) results.push(await runOnce(workload, condition, r));
    const filesPerS = results.map((x) => x.files / (x.ms / 1000));
    const mbPerS = results.map((x) => x.bytes / 1e6 / (x.ms / 1000));
    const perFile = results.map((x) => x.requests / x.files);
    const peaks = results.map((x) => x.peak);
    const label =
      `${workload === "small" ? `${fileCount} x 4 KiB` : `1 x ${values.mib} MiB`} at ${condition.latencyMs} ms` +
      (condition.bandwidthMBps ? ` over ${condition.bandwidthMBps} MB/s` : "");
    let ceiling = "";
    if (condition.bandwidthMBps) {
      ceiling = ` | ${((median(mbPerS) / condition.bandwidthMBps) * 100).toFixed(0)}% of the link`;
    } else if (workload === "small" && condition.latencyMs > 0) {
      const ratios = results.map((x) => ((x.files / (x.ms / 1000)) * (condition.latencyMs / 1000)) / x.peak);
      ceiling = ` | ${(median(ratios) * 100).toFixed(0)}% of the ceiling (files/s x RTT / peak in flight)`;
    }
    console.log(
      `${label.padEnd(34)} ${median(filesPerS).toFixed(1).padStart(7)} files/s${spread(filesPerS, 1)}, ` +
        `${median(mbPerS).toFixed(1)} MB/s${spread(mbPerS, 1)}, ${median(perFile).toFixed(3)} requests/file, ` +
        `peak ${median(peaks)} in flight${spread(peaks, 0)}${ceiling} | load ${loadavg()[0]!.toFixed(1)}`,
    );
  }
}
