/**
 * A sync run in its own process, for crash tests and benchmarks: pairs LOCAL with /REMOTE (once),
 * runs one full pass, prints the summary as JSON and exits.
 * Usage: node sync-child.ts JOURNAL LOCAL REMOTE BASE_URL APP_ID APP_KEY [CONCURRENCY]
 *
 * Environment:
 * - DOCSYNC_CHILD_OST: JSON {baseUrl, appId, apiKey, apiSecret}, the account's large-file storage;
 * - DOCSYNC_CHILD_KOODRIVE: JSON {token, partSize?}: the pair is on KooDrive at BASE_URL (APP_ID and
 *   APP_KEY are not used);
 * - DOCSYNC_CHILD_DELETE: `mirror` for a pair that mirrors deletes (default `keep`);
 * - DOCSYNC_CHILD_FREEZE_AT: where the child stops dead (its event loop blocked, requests still in
 *   flight) after printing `frozen at POINT`, for the test to kill it with SIGKILL right there:
 *   - `acked:N` (the journal has N acknowledged OST slices), `staged` (staging completed, the import
 *     not asked for yet) or `importing` (the import's task id is saved);
 *   - `announced`: a file's create is written ahead in the journal, its request not sent yet;
 *   - `parts:N`: a KooDrive upload saved with N parts sent (0: its session made, nothing sent);
 *   - `stored`: the service answered an upload, the journal has not recorded it yet;
 *   - `answer:TEXT`: the answer to the first request whose URL holds TEXT has arrived, unread (the
 *     request was served, its answer is lost).
 */
import { writeSync } from "node:fs";
import { createKdocsProvider, type LargeFileCredentials } from "../electron/core/cloud/kdocs/provider.ts";
import { createKooDriveProvider } from "../electron/core/cloud/koodrive/provider.ts";
import type { Journal } from "../electron/core/journal/index.ts";
import { startTestEngine } from "./harness.ts";

const [journalFile, local, remotePath, baseUrl, appId, appKey, concurrency] = process.argv.slice(2);
if (!journalFile || !local || !remotePath || !baseUrl || !appId || !appKey) {
  console.error("usage: sync-child.ts JOURNAL LOCAL REMOTE BASE_URL APP_ID APP_KEY [CONCURRENCY]");
  process.exit(2);
}
const ost = process.env.DOCSYNC_CHILD_OST;
const largeFiles = ost ? (JSON.parse(ost) as LargeFileCredentials) : undefined;
const koodrive = process.env.DOCSYNC_CHILD_KOODRIVE;
const freezeAt = process.env.DOCSYNC_CHILD_FREEZE_AT;

function freeze(): never {
  writeSync(1, `frozen at ${freezeAt}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  console.error("nobody killed the frozen child");
  process.exit(3);
}

/** Whether an upload's saved state has reached the freeze point. */
function reached(state: unknown): boolean {
  if (!freezeAt || typeof state !== "object" || state === null) return false;
  const { phase, acked, partsDone } = state as { phase?: unknown; acked?: unknown; partsDone?: unknown };
  if (freezeAt.startsWith("acked:")) {
    return phase === "staging" && Array.isArray(acked) && acked.length >= Number(freezeAt.slice(6));
  }
  if (freezeAt.startsWith("parts:"))
    return typeof partsDone === "number" && partsDone >= Number(freezeAt.slice(6));
  return phase === freezeAt;
}

function freezing(journal: Journal): Journal {
  return {
    ...journal,
    putUpload(upload) {
      journal.putUpload(upload);
      if (reached(upload.resume)) freeze();
    },
    putRemoteCreate(pairId, create) {
      journal.putRemoteCreate(pairId, create);
      if (freezeAt === "announced" && create.kind === "file") freeze();
    },
    putFile(pairId, file) {
      if (freezeAt === "stored" && file.remoteId !== null) freeze();
      journal.putFile(pairId, file);
    },
  };
}

/** Freezes once the answer to the first request whose URL holds `text` has arrived. */
const answerLost = (text: string): typeof fetch => {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.includes(text)) freeze();
    return response;
  };
};
const fetchImpl = freezeAt?.startsWith("answer:") ? answerLost(freezeAt.slice(7)) : undefined;

const kooDrive = koodrive ? (JSON.parse(koodrive) as { token: string; partSize?: number }) : undefined;
const provider = kooDrive
  ? createKooDriveProvider({
      baseUrl,
      token: kooDrive.token,
      ...(kooDrive.partSize ? { partSize: kooDrive.partSize } : {}),
      pollIntervalMs: 20,
      ...(fetchImpl ? { fetchImpl } : {}),
    })
  : createKdocsProvider({
      baseUrl,
      appId,
      appKey,
      ...(largeFiles ? { largeFiles } : {}),
      ...(fetchImpl ? { fetchImpl } : {}),
    });
const t = await startTestEngine({
  journalFile,
  provider,
  concurrency: Number(concurrency ?? 4),
  ...(freezeAt ? { wrapJournal: freezing } : {}),
});
const existing = t.engine.pairs()[0];
const deletePolicy = process.env.DOCSYNC_CHILD_DELETE === "mirror" ? "mirror" : "keep";
const pair =
  existing ??
  (await t.engine.addPair({ accountId: t.accountId, localPath: local, remotePath, deletePolicy }));
const started = performance.now();
const summary = await t.engine.syncOnce(pair.id);
const seconds = (performance.now() - started) / 1000;
await t.close();
provider.close();
console.log(JSON.stringify({ ...summary, failures: summary.failures.slice(0, 5), seconds }));
