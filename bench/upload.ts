/**
 * `npm run bench -- upload [--mib N] [--files N] [--rounds N] [--mode child|in-process|both]`
 *
 * Uploads the same files through the KDocs client and through curl (the same signed multipart
 * bodies, prebuilt, `curl --data-binary @body`) to the local cloud, and prints MB/s of both, their
 * ratio and the client's peak RSS. The local cloud runs as a child process (client and server on
 * separate event loops, as in real use) or in this process. Direct upload takes files up to 64 MiB,
 * so the default 256 MiB goes as four 64 MiB files.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { createKdocsProvider } from "../electron/core/cloud/kdocs/provider.ts";
import { multipartFrame } from "../electron/core/cloud/kdocs/multipart.ts";
import { httpDate, wps2Headers } from "../electron/core/cloud/kdocs/signer.ts";
import { API_PREFIX, uploadFields, UPLOAD_FILE_FIELD } from "../electron/core/cloud/kdocs/adapter.ts";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    mib: { type: "string", default: "64" },
    files: { type: "string", default: "4" },
    mode: { type: "string", default: "both" },
    rounds: { type: "string", default: "3" },
  },
});
const fileBytes = Number(values.mib) * 1024 * 1024;
const fileCount = Number(values.files);
const roundCount = Math.max(1, Number(values.rounds));
const modes = values.mode === "both" ? ["child", "in-process"] : [values.mode!];
const RCLONE_WEBDAV_MBPS = 242;

interface Cloud {
  url: string;
  appId: string;
  appKey: string;
  close(): Promise<void>;
}

async function childCloud(): Promise<Cloud> {
  const child: ChildProcess = spawn(process.execPath, [join(root, "sandbox/main.ts"), "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const fields = await new Promise<Record<string, string>>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the sandbox exited with code ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      const appId = /kdocs app_id: (\S+)/.exec(out)?.[1];
      const appKey = /kdocs app_key: (\S+)/.exec(out)?.[1];
      if (url && appId && appKey && out.includes("data:")) resolve({ url, appId, appKey });
    });
  });
  return {
    url: fields.url!,
    appId: fields.appId!,
    appKey: fields.appKey!,
    close: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function inProcessCloud(): Promise<Cloud> {
  const { startSandbox } = await import("../sandbox/server.ts");
  return startSandbox();
}

async function makeFile(path: string, bytes: number): Promise<void> {
  const handle = await open(path, "w");
  const chunk = randomBytes(1024 * 1024);
  for (let written = 0; written < bytes; written += chunk.length) {
    chunk.writeUInt32LE(written / chunk.length, 0); // every MiB differs
    await handle.write(chunk, 0, Math.min(chunk.length, bytes - written));
  }
  await handle.close();
}

/** Builds the multipart body of one upload as a file, and its MD5 for the signature. */
async function buildBody(source: string, target: string, name: string, parentId: string) {
  const frame = multipartFrame(uploadFields({ parentId }), { field: UPLOAD_FILE_FIELD, filename: name });
  const hash = createHash("md5");
  const out = createWriteStream(target);
  out.write(frame.preamble);
  hash.update(frame.preamble);
  await pipeline(
    createReadStream(source, { highWaterMark: 1024 * 1024 }),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        yield chunk;
      }
      hash.update(frame.epilogue);
      yield frame.epilogue;
    },
    out,
  );
  return { contentType: frame.contentType, md5: hash.digest("hex") };
}

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const fmt = (n: number) => n.toFixed(0).padStart(5);

interface Round {
  clientMs: number;
  hashMs: number;
  curlMs: number;
  signMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(mode: string, dir: string, sources: string[]) {
  const cloud = mode === "child" ? await childCloud() : await inProcessCloud();
  const provider = createKdocsProvider({ baseUrl: cloud.url, appId: cloud.appId, appKey: cloud.appKey });
  try {
    const clientFolder = await provider.createFolder("0", `client-${mode}`);
    const curlFolder = await provider.createFolder("0", `curl-${mode}`);
    const total = sources.length * fileBytes;
    const bodies: Array<{ path: string; contentType: string; md5: string }> = [];
    for (const [i, source] of sources.entries()) {
      const path = join(dir, `body${i}`);
      bodies.push({ path, ...(await buildBody(source, path, `file${i}.bin`, curlFolder.id)) });
    }
    const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
    let peakClientRssMiB = 0;

    const viaClient = async (i: number) => {
      const started = performance.now();
      let sendStarted = 0;
      const entry = await provider.upload({
        localPath: sources[i]!,
        name: `file${i}.bin`,
        parentId: clientFolder.id,
        onProgress: (sent) => {
          if (sent === 0 && sendStarted === 0) sendStarted = performance.now();
        },
      });
      const ended = performance.now();
      if (entry.size !== fileBytes) throw new Error(`uploaded ${entry.size} bytes of ${fileBytes}`);
      peakClientRssMiB = Math.max(peakClientRssMiB, process.resourceUsage().maxRSS / 1024);
      return { ms: ended - started, hashMs: sendStarted - started };
    };

    const viaCurl = async (i: number) => {
      const body = bodies[i]!;
      // What a curl user pays to sign: one MD5 pass over the body file.
      const signStarted = performance.now();
      const hash = createHash("md5");
      for await (const chunk of createReadStream(body.path, { highWaterMark: 1024 * 1024 }))
        hash.update(chunk);
      if (hash.digest("hex") !== body.md5) throw new Error("the body file changed");
      const signMs = performance.now() - signStarted;
      const url = `${cloud.url}${API_PREFIX}/appspace/files/upload`;
      const headers = wps2Headers({
        appId: cloud.appId,
        appKey: cloud.appKey,
        contentMd5: body.md5,
        contentType: body.contentType,
        date: httpDate(Date.now()),
      });
      const args = ["-s", "-S", "-o", join(dir, "answer.json"), "-w", "%{http_code} %{time_total}"];
      for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
      args.push("--data-binary", `@${body.path}`, url);
      const { stdout } = await run("curl", args);
      const [status, seconds] = stdout.trim().split(" ");
      if (status !== "200") throw new Error(`curl upload answered HTTP ${status}`);
      return { ms: Number(seconds) * 1000, signMs };
    };

    const rounds: Round[] = [];
    for (let r = 0; r < roundCount; r++) {
      const round: Round = { clientMs: 0, hashMs: 0, curlMs: 0, signMs: 0 };
      // Side by side, file by file, taking turns to go first: both meet the same machine load.
      for (let i = 0; i < sources.length; i++) {
        const order = (r + i) % 2 === 0 ? ["client", "curl"] : ["curl", "client"];
        for (const side of order) {
          if (side === "client") {
            const { ms, hashMs } = await viaClient(i);
            round.clientMs += ms;
            round.hashMs += hashMs;
          } else {
            const { ms, signMs } = await viaCurl(i);
            round.curlMs += ms;
            round.signMs += signMs;
          }
        }
      }
      for (const folder of [clientFolder, curlFolder]) {
        const listed = await provider.list(folder.id);
        if (listed.entries.length !== sources.length) throw new Error(`uploads missing in ${folder.name}`);
        for (const entry of listed.entries) await provider.destroy(entry.id);
      }
      rounds.push(round);
    }

    // Two files at a time, as the sync engine runs them: one file's hashing overlaps the other's sending.
    const pairedStarted = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < sources.length) await viaClient(next++);
    };
    await Promise.all([lane(), lane()]);
    const pairedMs = performance.now() - pairedStarted;

    const clientMs = median(rounds.map((r) => r.clientMs));
    const curlMs = median(rounds.map((r) => r.curlMs));
    const hashMs = median(rounds.map((r) => r.hashMs));
    const signMs = median(rounds.map((r) => r.signMs));
    const client = mbps(total, clientMs);
    const curl = mbps(total, curlMs);
    const curlSigned = mbps(total, curlMs + signMs);
    console.log(
      `${mode}: client ${fmt(client)} MB/s (hashing ${fmt(hashMs)} ms, then sending at ` +
        `${fmt(mbps(total, clientMs - hashMs))} MB/s) | curl ${fmt(curl)} MB/s, ` +
        `${fmt(curlSigned)} MB/s counting its signing MD5 | client/curl ${pct(client / curl)}, ` +
        `client/(curl+sign) ${pct(client / curlSigned)} | vs rclone ${pct(client / RCLONE_WEBDAV_MBPS)}`,
    );
    const paired = mbps(total, pairedMs);
    console.log(
      `${" ".repeat(mode.length)}  client, two files at a time: ${fmt(paired)} MB/s, ${pct(paired / curl)} of curl ` +
        `one at a time, ${pct(paired / RCLONE_WEBDAV_MBPS)} of rclone`,
    );
    console.log(
      `${" ".repeat(mode.length)}  rounds (client/curl MB/s): ` +
        rounds.map((r) => `${fmt(mbps(total, r.clientMs))}/${fmt(mbps(total, r.curlMs))}`).join(", ") +
        ` | peak RSS ${peakClientRssMiB.toFixed(0)} MiB (${baselineRssMiB.toFixed(0)} before uploading` +
        `${mode === "in-process" ? ", client and server" : ""})`,
    );
  } finally {
    provider.close();
    await cloud.close();
  }
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

const dir = await mkdtemp(join(tmpdir(), "docsync-bench-"));
try {
  const sources: string[] = [];
  for (let i = 0; i < fileCount; i++) {
    const path = join(dir, `source${i}.bin`);
    await makeFile(path, fileBytes);
    sources.push(path);
  }
  console.log(
    `upload: ${fileCount} x ${values.mib} MiB (${(fileCount * fileBytes) / 2 ** 20} MiB) to the local cloud; ` +
      `reference: rclone to a loopback WebDAV server, ${RCLONE_WEBDAV_MBPS} MB/s`,
  );
  for (const mode of modes) await bench(mode, dir, sources);
} finally {
  await rm(dir, { recursive: true, force: true });
}
