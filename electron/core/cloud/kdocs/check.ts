/**
 * The steps of `account check` only KDocs has: the large-file path with a tiny file (staged on OST,
 * imported by the async upload, checked where it landed), and a one-line script followed to its end.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { CloudError, isCloudError } from "../errors.ts";
import { cancelled } from "../http/retry.ts";
import type { NoticeSink } from "../notices.ts";
import type { CheckContext, CheckStep, StagingProvider } from "../provider.ts";
import type { KdocsClient } from "./client.ts";
import { KdocsScriptClient } from "./scripts.ts";
import { stageAndImport } from "./upload.ts";

export interface KdocsCheckParts {
  baseUrl: string;
  client: KdocsClient;
  staging: StagingProvider | undefined;
  onNotice?: NoticeSink;
}

const SCRIPT = 'console.log("docsync account check")';

export function kdocsChecks(parts: KdocsCheckParts, context: CheckContext): CheckStep[] {
  return [
    {
      name: "async upload of a staged file",
      ...(parts.staging ? {} : { skip: "the account has no large-file (iFlytek OST) settings" }),
      async run(signal) {
        const localPath = join(context.localDir, "staged.txt");
        await writeFile(localPath, "docsync account check: staged, then imported\n");
        const entry = await stageAndImport(
          { localPath, name: "staged.txt", parentId: context.folderId, signal },
          parts.staging!,
          parts.client,
        );
        return `staged on OST and imported as "${entry.name}" (${entry.size} bytes) into the check folder`;
      },
    },
    {
      name: "script status",
      ...(context.accessToken ? {} : { skip: "the account has no user access token" }),
      async run(signal) {
        const scripts = new KdocsScriptClient({
          baseUrl: parts.baseUrl,
          accessToken: context.accessToken!,
          ...(parts.onNotice ? { onNotice: parts.onNotice } : {}),
        });
        let taskId: string;
        try {
          taskId = await scripts.start(context.fileId, SCRIPT, "docsync check", signal);
        } catch (error) {
          // The check's file lives in the application space, which the personal-space script API may
          // not reach: then the status of a task that does not exist still shows the token and the
          // status endpoint at work.
          if (!isCloudError(error, "not-found") && !isCloudError(error, "invalid")) throw error;
          const answer = await scripts.status("docsync-check-no-such-task", signal).then(
            (status) => `a status answer (${status.unknownStatus ?? status.state})`,
            (refusal: unknown) => {
              if (!isCloudError(refusal, "not-found")) throw refusal;
              return `"not found"`;
            },
          );
          return (
            `the token works: KDocs would not run a script on the check's file (${(error as Error).message}), ` +
            `and answered ${answer} for a task that does not exist`
          );
        }
        const words = new Set<string>();
        let lines = 0;
        for (let wait = 250; ; wait = Math.min(2000, wait * 2)) {
          const status = await scripts.status(taskId, signal);
          words.add(status.unknownStatus ?? status.state);
          lines += status.logs.length;
          if (status.state === "finished") {
            if (status.error)
              throw new CloudError("invalid", `the script ended with an error: ${status.error}`);
            return `ran a one-line script: ${lines} log lines, states seen: ${[...words].join(", ")}, result "${status.result}"`;
          }
          try {
            await delay(wait, undefined, { signal });
          } catch {
            throw cancelled(signal);
          }
        }
      },
    },
  ];
}
