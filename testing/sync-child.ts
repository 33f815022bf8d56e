/**
 * A sync run in its own process, for crash tests and benchmarks: pairs LOCAL with /REMOTE (once),
 * runs one full pass, prints the summary as JSON and exits.
 * Usage: node sync-child.ts JOURNAL LOCAL REMOTE BASE_URL APP_ID APP_KEY [CONCURRENCY]
 *
 * Environment, for the large-file crash tests:
 * - DOCSYNC_CHILD_OST: JSON {baseUrl, appId, apiKey, apiSecret}, the account's large-file storage;
 * - DOCSYNC_CHILD_FREEZE_AT: `acked:N` (the journal has N acknowledged slices), `staged` (staging
 *   completed, the import not asked for yet) or `importing` (the import's task id is saved). When the
 *   journal's write reaches that point the child prints `frozen at POINT` and stops dead (its event
 *   loop blocked, slices still in flight), for the test to kill it with SIGKILL right there.
 */
import { writeSync } from "node:fs";
import { createKdocsProvider, type LargeFileCredentials } from "../electron/core/cloud/kdocs/provider.ts";
import type { Journal } from "../electron/core/journal/index.ts";
import { startTestEngine } from "./harness.ts";

const [journalFile, local, remotePath, baseUrl, appId, appKey, concurrency] = process.argv.slice(2);
if (!journalFile || !local || !remotePath || !baseUrl || !appId || !appKey) {
  console.error("usage: sync-child.ts JOURNAL LOCAL REMOTE BASE_URL APP_ID APP_KEY [CONCURRENCY]");
  process.exit(2);
}
const ost = process.env.DOCSYNC_CHILD_OST;
const largeFiles = ost ? (JSON.parse(ost) as LargeFileCredentials) : undefined;
const freezeAt = process.env.DOCSYNC_CHILD_FREEZE_AT;

/** Whether an upload's saved state has reached the freeze point. */
function reached(state: unknown): boolean {
  if (!freezeAt || typeof state !== "object" || state === null) return false;
  const { phase, acked } = state as { phase?: unknown; acked?: unknown };
  if (freezeAt.startsWith("acked:")) {
    return phase === "staging" && Array.isArray(acked) && acked.length >= Number(freezeAt.slice(6));
  }
  return phase === freezeAt;
}

function freezing(journal: Journal): Journal {
  return {
    ...journal,
    putUpload(upload) {
      journal.putUpload(upload);
      if (!reached(upload.resume)) return;
      writeSync(1, `frozen at ${freezeAt}\n`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
      console.error("nobody killed the frozen child");
      process.exit(3);
    },
  };
}

const provider = createKdocsProvider({ baseUrl, appId, appKey, ...(largeFiles ? { largeFiles } : {}) });
const t = await startTestEngine({
  journalFile,
  provider,
  concurrency: Number(concurrency ?? 4),
  ...(freezeAt ? { wrapJournal: freezing } : {}),
});
const existing = t.engine.pairs()[0];
const pair =
  existing ??
  (await t.engine.addPair({ accountId: t.accountId, localPath: local, remotePath, deletePolicy: "keep" }));
const started = performance.now();
const summary = await t.engine.syncOnce(pair.id);
const seconds = (performance.now() - started) / 1000;
await t.close();
provider.close();
console.log(JSON.stringify({ ...summary, failures: summary.failures.slice(0, 5), seconds }));
