/**
 * A sync run in its own process, for crash tests and benchmarks: pairs LOCAL with /REMOTE (once),
 * runs one full pass, prints the summary as JSON and exits.
 * Usage: node sync-child.ts JOURNAL LOCAL REMOTE BASE_URL APP_ID APP_KEY [CONCURRENCY]
 */
import { createKdocsProvider } from "../cloud/kdocs/provider.ts";
import { startTestEngine } from "./harness.ts";

const [journalFile, local, remotePath, baseUrl, appId, appKey, concurrency] = process.argv.slice(2);
if (!journalFile || !local || !remotePath || !baseUrl || !appId || !appKey) {
  console.error("usage: sync-child.ts JOURNAL LOCAL REMOTE BASE_URL APP_ID APP_KEY [CONCURRENCY]");
  process.exit(2);
}
const provider = createKdocsProvider({ baseUrl, appId, appKey });
const t = startTestEngine({ journalFile, provider, concurrency: Number(concurrency ?? 4) });
const existing = t.engine.pairs()[0];
const pair =
  existing ??
  (await t.engine.addPair({ accountId: "sandbox", localPath: local, remotePath, deletePolicy: "keep" }));
const started = performance.now();
const summary = await t.engine.syncOnce(pair.id);
const seconds = (performance.now() - started) / 1000;
await t.close();
provider.close();
console.log(JSON.stringify({ ...summary, failures: summary.failures.slice(0, 5), seconds }));
