/**
 * `account check`: a harmless round trip against an account's real service, for the first user
 * with a real account. It signs and lists, creates a folder of its own with a small file, moves two
 * files in one batch, runs the steps only that service has (a staged import, a script's status),
 * then removes everything it made. Each step says what the service answered and where that differs
 * from the contract (an unknown status word, a field missing or extra, a signature variant refused),
 * so the report can be attached to a message to the vendor or to us.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccountCheck, AccountCheckStep, AccountView } from "../../../shared/model.ts";
import { CloudError, isCloudError } from "../cloud/errors.ts";
import type { NoticeSink, ServiceNotice } from "../cloud/notices.ts";
import type { CheckContext, CheckStep, CloudProvider, RemoteEntry } from "../cloud/provider.ts";
import { pollUntilFinal } from "../cloud/task-wait.ts";
import { describeCloudError } from "../ipc-error.ts";

export interface CheckDeps {
  account: AccountView;
  /** Makes a provider of the account's own for the check, telling `onNotice` every difference. */
  provider(onNotice: NoticeSink): CloudProvider & { close?(): void };
  /** The user access token of the personal-space APIs, when the account has one. */
  accessToken?: string;
  version: string;
  now?: () => number;
  /** How long one step may wait for the service (a task that keeps running), default 2 minutes. */
  stepTimeoutMs?: number;
  signal?: AbortSignal;
}

const STEP_TIMEOUT_MS = 120_000;

export async function checkAccount(deps: CheckDeps): Promise<AccountCheck> {
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const steps: AccountCheckStep[] = [];
  let current: ServiceNotice[] = [];
  const provider = deps.provider((notice) => {
    const same = current.some(
      (n) =>
        n.call === notice.call &&
        n.kind === notice.kind &&
        n.field === notice.field &&
        n.value === notice.value,
    );
    if (!same) current.push(notice);
  });
  const localDir = await mkdtemp(join(tmpdir(), "docsync-check-"));
  /** Runs one step with its own deadline; a failure is recorded and ends the check. */
  const step = async (name: string, run: (signal: AbortSignal) => Promise<string>): Promise<boolean> => {
    current = [];
    const began = now();
    const deadline = AbortSignal.timeout(deps.stepTimeoutMs ?? STEP_TIMEOUT_MS);
    const signal = deps.signal ? AbortSignal.any([deps.signal, deadline]) : deadline;
    let outcome: AccountCheckStep["outcome"] = "ok";
    let said: string;
    try {
      said = await run(signal);
    } catch (error) {
      outcome = "failed";
      said = deadline.aborted
        ? `the service did not finish within ${Math.round((deps.stepTimeoutMs ?? STEP_TIMEOUT_MS) / 1000)} s`
        : inWords(error);
    }
    steps.push({ name, outcome, said, differences: current, ms: now() - began });
    current = [];
    return outcome === "ok";
  };
  const skip = (name: string, why: string) =>
    steps.push({ name, outcome: "skipped", said: why, differences: [], ms: 0 });

  let folder: RemoteEntry | undefined;
  let removed = false;
  try {
    let files: RemoteEntry[] = [];
    const worked =
      (await step("sign and list", async (signal) => {
        const page = await provider.list(provider.rootId, null, signal);
        return `listed the top folder: ${plural(page.entries.length, "entry", "entries")}${page.next ? " and more" : ""}`;
      })) &&
      (await step("create a folder", async (signal) => {
        folder = await provider.createFolder(provider.rootId, `docsync-check-${stamp(startedAt)}`, signal);
        return `created "${folder.name}" (id ${folder.id})`;
      })) &&
      (await step("upload small files", async (signal) => {
        for (const name of ["check.txt", "a.txt", "b.txt"]) {
          const localPath = join(localDir, name);
          await writeFile(localPath, `docsync account check: ${name}\n`);
          const entry = await provider.upload({ localPath, name, parentId: folder!.id, signal });
          if (entry.parentId !== folder!.id) {
            throw new CloudError("protocol", `${name} landed in ${entry.parentId}, not in the check folder`);
          }
          files.push(entry);
        }
        return `uploaded ${files.map((f) => `"${f.name}" (${f.size} bytes)`).join(", ")}`;
      })) &&
      (await step("batch move of two files", async (signal) => {
        const target = await provider.createFolder(folder!.id, "moved", signal);
        const ids = files.slice(1).map((f) => f.id);
        const started = await provider.startMove(ids, target.id, signal);
        let how = "moved at once";
        if (!started.done) {
          let polls = 0;
          const status = await pollUntilFinal((s) => provider.pollTask(started.task, s), {
            firstMs: 250,
            maxMs: 2000,
            onProgress: () => polls++,
            signal,
          });
          const failure = status.failed[0];
          if (status.state !== "succeeded") {
            throw new CloudError(
              "protocol",
              `the move task ended ${status.state}${failure ? `: ${provider.describeItemFailure(failure)}` : ""}`,
            );
          }
          how = `moved by a task (${plural(polls, "status answer", "status answers")})`;
        }
        const landed = await Promise.all(ids.map((id) => provider.stat(id, signal)));
        if (landed.some((entry) => entry.parentId !== target.id)) {
          throw new CloudError(
            "protocol",
            "the service said the move was done, but the files are not in the target",
          );
        }
        files = [files[0]!];
        return `${how}; both files are in "moved"`;
      }));
    if (worked) {
      const context: CheckContext = {
        folderId: folder!.id,
        fileId: files[0]!.id,
        localDir,
        ...(deps.accessToken ? { accessToken: deps.accessToken } : {}),
      };
      for (const service of provider.serviceChecks?.(context) ?? ([] as CheckStep[])) {
        if (service.skip) skip(service.name, service.skip);
        else await step(service.name, (signal) => service.run(signal));
      }
    }
    if (folder) {
      const made = folder;
      removed = await step("remove the folder and its files", async (signal) => {
        await provider.destroy(made.id, signal);
        const gone = await provider.stat(made.id, signal).then(
          () => false,
          (error: unknown) => isCloudError(error, "not-found"),
        );
        if (!gone) throw new CloudError("protocol", `"${made.name}" is still there after it was removed`);
        return `removed "${made.name}"`;
      });
    }
  } finally {
    if (folder && !removed) await provider.destroy(folder.id).catch(() => {});
    provider.close?.();
    await rm(localDir, { recursive: true, force: true });
  }
  return {
    accountId: deps.account.id,
    accountName: deps.account.name,
    kind: deps.account.kind,
    baseUrl: deps.account.baseUrl,
    version: deps.version,
    startedAt,
    finishedAt: now(),
    ok: steps.every((s) => s.outcome !== "failed"),
    steps,
  };
}

/** One line per step, and one per difference below it: what `account check` prints. */
export function checkLines(check: AccountCheck): string[] {
  const mark = { ok: "ok", failed: "FAILED", skipped: "skipped" } as const;
  const lines: string[] = [];
  for (const s of check.steps) {
    lines.push(`${mark[s.outcome]}\t${s.name}: ${s.said}`);
    for (const d of s.differences) lines.push(`\tdiffers: ${d.text}`);
  }
  const differences = check.steps.reduce((sum, s) => sum + s.differences.length, 0);
  lines.push(
    `${check.ok ? "the account works" : "the account does not work"} with ${check.accountName}` +
      (differences
        ? `; ${plural(differences, "answer differs", "answers differ")} from the contract`
        : "; every answer was as the contract says"),
  );
  return lines;
}

function inWords(error: unknown): string {
  if (error instanceof CloudError) return describeCloudError(error);
  return error instanceof Error ? error.message : String(error);
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `20240102-150405`, in UTC. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}
