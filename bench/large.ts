/**
 * `npm run bench -- large [--size-mib N]`: a large file through the whole large-file path (OST
 * staging, then the KDocs import) against the local cloud in its own process, and the same slices
 * sent by curl with as many in flight, as the machine's raw speed. Prints MB/s of both, their
 * ratio, and the client's peak RSS.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs, promisify } from "node:util";
import { KdocsClient } from "../electron/core/cloud/kdocs/client.ts";
import { stageAndImport } from "../electron/core/cloud/kdocs/upload.ts";
import { DEFAULT_CONCURRENCY, OstClient } from "../electron/core/cloud/ost/client.ts";
import { createOstStaging } from "../electron/core/cloud/ost/provider.ts";
import { EMPTY_BODY_DIGEST, signOstRequest } from "../electron/core/cloud/ost/signer.ts";
import { planSlices, sliceRange } from "../electron/core/cloud/ost/slices.ts";
import { md5OfFile, writeTestFile } from "../testing/cloud/test-files.ts";
import { spawnSandbox } from "../testing/bench-support.ts";

const MiB = 1024 * 1024;
const { values } = parseArgs({ options: { "size-mib": { type: "string", default: "1024" } } });
const size = Number(values["size-mib"]) * MiB;
const run = promisify(execFile);
const mbps = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(1);
const credentials = {
  kdocs: { appId: "bench-app", appKey: "bench-app-key" },
  ost: { appId: "bench-ost", apiKey: "bench-ost-key", apiSecret: "bench-ost-secret" },
};

const dir = await mkdtemp(join(tmpdir(), "docsync-bench-large-"));
// The local cloud in a process of its own, so the RSS measured here is the client's alone.
const sandbox = await spawnSandbox([
  "--plan",
  "unlimited",
  "--app-id",
  credentials.kdocs.appId,
  "--app-key",
  credentials.kdocs.appKey,
  "--ost-app-id",
  credentials.ost.appId,
  "--ost-api-key",
  credentials.ost.apiKey,
  "--ost-api-secret",
  credentials.ost.apiSecret,
]);
try {
  const path = join(dir, "large.bin");
  let started = performance.now();
  await writeTestFile(path, size);
  const md5 = await md5OfFile(path);
  console.log(`file: ${size / MiB} MiB written in ${Math.round(performance.now() - started)} ms`);
  const ost = { baseUrl: sandbox.url, ...credentials.ost };
  const plan = planSlices(size);
  console.log(`slices: ${plan.count} of ${plan.sliceSize / MiB} MiB, ${DEFAULT_CONCURRENCY} in flight`);

  // docsync: stage + import.
  const kdocs = new KdocsClient({ baseUrl: sandbox.url, ...credentials.kdocs });
  // Both runs start with no dirty pages waiting to be written, so neither pays for the other's writes.
  await run("sync", []);
  const rss = sampleRss();
  const pathStarted = performance.now();
  let staged = 0;
  const staging = createOstStaging(ost);
  const entry = await stageAndImport(
    {
      localPath: path,
      name: `large-${Date.now()}.bin`,
      onPhase: (phase) => {
        if (phase === "importing") staged = performance.now();
      },
    },
    staging,
    kdocs,
  );
  const finished = performance.now();
  const memory = rss.stop();
  kdocs.close();
  staging.close();
  if (entry.md5 !== md5 || entry.size !== size)
    throw new Error(`the imported file differs: ${JSON.stringify(entry)}`);
  const stageMs = staged - pathStarted;
  const wholeMs = finished - pathStarted;

  // curl: the same slices, as many in flight.
  const sliceDir = join(dir, "slices");
  await run("mkdir", [sliceDir]);
  for (let id = 1; id <= plan.count; id++) {
    const range = sliceRange(plan, id);
    await pipeline(
      createReadStream(path, { start: range.start, end: range.end - 1 }),
      createWriteStream(join(sliceDir, String(id))),
    );
  }
  const client = new OstClient(ost);
  const uploadId = await client.init();
  let next = 1;
  await run("sync", []);
  started = performance.now();
  await Promise.all(
    Array.from({ length: DEFAULT_CONCURRENCY }, async () => {
      for (let id = next++; id <= plan.count; id = next++)
        await curlSlice(uploadId, id, join(sliceDir, String(id)));
    }),
  );
  const curlMs = performance.now() - started;
  await client.cancel(uploadId);
  client.close();

  const ratio = curlMs / stageMs;
  console.log(`docsync staging: ${Math.round(stageMs)} ms, ${mbps(size, stageMs)} MB/s`);
  console.log(`import (the server fetches the staged URL): ${Math.round(finished - staged)} ms`);
  console.log(`whole path (stage + import): ${Math.round(wholeMs)} ms, ${mbps(size, wholeMs)} MB/s`);
  console.log(`curl, same slices: ${Math.round(curlMs)} ms, ${mbps(size, curlMs)} MB/s`);
  console.log(`ratio docsync/curl: ${(ratio * 100).toFixed(0)}% (goal >= 85%)`);
  console.log(
    `client RSS: ${memory.baseline} MiB before, peak ${memory.peak} MiB during (+${memory.peak - memory.baseline} MiB); ` +
      `max RSS of the process ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
} finally {
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
}

async function curlSlice(uploadId: string, id: number, file: string) {
  const url = new URL("/file/mpupload/upload", sandbox.url);
  const headers = signOstRequest({
    method: "POST",
    url,
    date: new Date().toUTCString(),
    digest: EMPTY_BODY_DIGEST,
    apiKey: credentials.ost.apiKey,
    apiSecret: credentials.ost.apiSecret,
  });
  const args = ["-s", "-S", "-X", "POST", url.href, "-H", "Expect:"];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  for (const [name, value] of Object.entries({
    app_id: credentials.ost.appId,
    request_id: randomUUID(),
    upload_id: uploadId,
    slice_id: String(id),
  })) {
    args.push("-F", `${name}=${value}`);
  }
  args.push("-F", `data=@${file};type=application/octet-stream`);
  const { stdout } = await run("curl", args);
  if ((JSON.parse(stdout) as { code: number }).code !== 0) throw new Error(`curl slice ${id}: ${stdout}`);
}

function sampleRss() {
  const toMiB = (bytes: number) => Math.round(bytes / MiB);
  const baseline = toMiB(process.memoryUsage.rss());
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, toMiB(process.memoryUsage.rss()));
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return { baseline, peak: Math.max(peak, toMiB(process.memoryUsage.rss())) };
    },
  };
}
