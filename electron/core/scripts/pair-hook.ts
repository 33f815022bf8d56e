/**
 * A sync pair's script rule in action: each uploaded document whose extension the rule lists runs
 * the rule's script, as a script task of the pair. A run is recorded in the journal before it
 * starts, so each uploaded version (pair, path, cloud file, version) runs the script at most once,
 * across restarts too; the engine makes the call again after a crash that came before it, so no
 * upload is missed. A run whose start was refused is not tried again: scripts change documents, and
 * the failed task tells the user why.
 */
import type { Journal, UploadedRecord } from "../journal/index.ts";
import { failureWords } from "../ipc-error.ts";
import { say } from "../words.ts";
import { scriptRuleMatches } from "../sync/script-rule.ts";
import type { UploadedFile } from "../sync/types.ts";
import type { ScriptRunner } from "./runner.ts";

export interface PairScriptHookDeps {
  journal: Journal;
  runner: Pick<ScriptRunner, "run">;
  now?: () => number;
  /** A run that could not start (no access token, the server refused); by default a warning in the activity log. */
  onError?: (error: unknown, upload: UploadedFile) => void;
}

/** The `onUploaded` callback of the sync engine that runs the pairs' scripts. */
export function createPairScriptHook(deps: PairScriptHookDeps): (upload: UploadedFile) => Promise<void> {
  const { journal, runner } = deps;
  const now = deps.now ?? Date.now;
  const report =
    deps.onError ??
    ((error: unknown, upload: UploadedFile) => {
      journal.appendEvent({
        time: now(),
        level: "warn",
        text: say("core.activity.scriptDidNotStart", { path: upload.path, error: failureWords(error) }),
        pairId: upload.pairId,
        accountId: upload.accountId,
      });
    });

  return async (upload) => {
    const rule = journal.pairs().find((pair) => pair.id === upload.pairId)?.scriptRule;
    if (!rule || !scriptRuleMatches(rule, upload.path)) return;
    const run: UploadedRecord = {
      pairId: upload.pairId,
      path: upload.path,
      remoteId: upload.remoteId,
      version: upload.version,
      uploadTaskId: upload.uploadTaskId ?? null,
    };
    if (!journal.claimScriptRun(run, now())) return;
    try {
      const { taskId } = await runner.run({
        accountId: upload.accountId,
        fileId: upload.remoteId,
        script: rule.script,
        ...(rule.name ? { name: rule.name } : {}),
        pairId: upload.pairId,
        ...(upload.uploadTaskId ? { linkedTaskId: upload.uploadTaskId } : {}),
      });
      journal.setScriptRunTask(run, taskId);
    } catch (error) {
      report(error, upload);
    }
  };
}
