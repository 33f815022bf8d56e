/**
 * Script tasks: start a KDocs script on a document, then follow it with adaptive status polls and
 * stream its log into the task, until the script ends with its result or its error.
 *
 * The status call hands out each log line once, so the log is kept with care:
 * - each answer's lines are appended and written to the journal before the next call is sent, so a
 *   restart goes on polling and never shows a line twice;
 * - a call is marked in the journal as "on its way" before it is sent. An answer can be lost after
 *   the server has handed its lines out (a reset or a timeout while it travels back); asking again
 *   cannot bring those lines back. Retrying is still right (the script's state and result come
 *   again), but the log then shows a warning line where lines may be missing rather than pretending
 *   it is whole. A failure where the request surely never arrived (connection refused) or that the
 *   server answered with a fault (it handed nothing out) leaves no such mark;
 * - a shutdown does not cut a call on its way: it waits for the answer (a few seconds at most) and
 *   keeps its lines.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { TaskView } from "../../../shared/model.ts";
import { isCloudError } from "../cloud/errors.ts";
import { isNetworkFailure } from "../cloud/http/transport.ts";
import { KdocsScriptClient, type ScriptStatus } from "../cloud/kdocs/scripts.ts";
import type { NoticeSink } from "../cloud/notices.ts";
import { waitingPhase } from "../cloud/provider.ts";
import { toIpcError } from "../ipc-error.ts";
import type { TaskHandle, TaskRegistry } from "../tasks/types.ts";

export type TaskLogLine = NonNullable<TaskView["log"]>[number];

/** The log level of the line that carries a finished script's result. */
export const RESULT_LEVEL = "result";

export interface ScriptAccess {
  baseUrl: string;
  accessToken: string;
  onNotice?: NoticeSink;
}

export interface ScriptClient {
  start(fileId: string, script: string, name?: string, signal?: AbortSignal): Promise<string>;
  status(taskId: string, signal?: AbortSignal): Promise<ScriptStatus>;
}

export interface ScriptRunInput {
  accountId: string;
  fileId: string;
  script: string;
  /** The script's name as the server shows it in the log ("name.ks:3:1"). */
  name?: string;
  /** The sync pair whose upload asked for this run. */
  pairId?: string;
  /** The upload task that asked for this run. */
  linkedTaskId?: string;
}

export interface ScriptRunnerDeps {
  registry: TaskRegistry;
  /** Throws (with words for the user) when the account cannot run scripts. */
  access(accountId: string): ScriptAccess;
  makeClient?: (access: ScriptAccess) => ScriptClient;
  /** The document's name for the task's title; the id is shown when it cannot be found. */
  describeDocument?: (accountId: string, fileId: string) => Promise<string | undefined>;
  now?: () => number;
  /** Delay before the first status call (default 250 ms). */
  firstDelayMs?: number;
  /** Shortest pause between calls while lines keep coming (default 500 ms). */
  minIntervalMs?: number;
  /** Longest pause between calls of a quiet script (default 5 s). */
  maxIntervalMs?: number;
  /** How long a shutdown waits for status calls on their way (default 5 s). */
  stopGraceMs?: number;
  /** Failures of background work nobody awaits. */
  onError?: (error: unknown) => void;
}

export interface ScriptRunner {
  /** Starts the script and returns its task; throws (the task failed) when the start is refused. */
  run(input: ScriptRunInput): Promise<{ taskId: string }>;
  /** Follows the script tasks a previous process left unfinished. */
  resumeUnfinished(): void;
  /** Every batch of log lines as it is appended to a task. */
  onLog(listener: (taskId: string, lines: TaskLogLine[]) => void): () => void;
  /** Stops following; unfinished tasks stay in the journal to be followed at the next start. */
  stop(): Promise<void>;
}

const resumeSchema = z.object({
  accountId: z.string(),
  fileId: z.string(),
  name: z.string().optional(),
  /** The server's task id, once the start was answered. */
  serverTaskId: z.string().optional(),
  /** A status call was on its way when this was written. */
  asking: z.boolean().optional(),
  /** Why lines may be missing before the next answer's lines. */
  gap: z.string().optional(),
});
type ScriptResume = z.infer<typeof resumeSchema>;

/** Whether a failed call may have reached the server (a connection refused surely did not). */
function mayHaveArrived(error: unknown): boolean {
  if (!isNetworkFailure(error)) return false;
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if ((cause as { code?: unknown }).code === "ECONNREFUSED") return false;
  }
  return true;
}

const inWords = (error: unknown): string => toIpcError(error).message;

/** Sooner while lines keep coming, later while the script is quiet. */
export function nextPollDelay(previousMs: number, newLines: number, minMs: number, maxMs: number): number {
  return newLines > 0 ? Math.max(minMs, previousMs * 0.75) : Math.min(maxMs, previousMs * 1.6);
}

export function createScriptRunner(deps: ScriptRunnerDeps): ScriptRunner {
  const { registry } = deps;
  const now = deps.now ?? Date.now;
  const firstDelay = deps.firstDelayMs ?? 250;
  const minInterval = deps.minIntervalMs ?? 500;
  const maxInterval = deps.maxIntervalMs ?? 5_000;
  const stopGrace = deps.stopGraceMs ?? 5_000;
  const report = deps.onError ?? ((error: unknown) => console.error(error));
  const makeClient = deps.makeClient ?? ((access: ScriptAccess) => new KdocsScriptClient(access));
  // Ends the waits between calls at once; calls on their way get `stopGrace` to answer.
  const stopping = new AbortController();
  const hardStop = new AbortController();
  const following = new Set<Promise<void>>();
  const listeners = new Set<(taskId: string, lines: TaskLogLine[]) => void>();

  const emit = (taskId: string, lines: TaskLogLine[]) => {
    for (const listener of [...listeners]) {
      try {
        listener(taskId, lines);
      } catch (error) {
        report(error);
      }
    }
  };

  const append = (handle: TaskHandle, lines: TaskLogLine[]) => {
    if (lines.length === 0) return;
    handle.appendLog(lines);
    emit(handle.id, lines);
  };

  const follow = async (handle: TaskHandle, client: ScriptClient, start: ScriptResume): Promise<void> => {
    const serverTaskId = start.serverTaskId!;
    let resume: ScriptResume = start;
    const save = (patch: Partial<ScriptResume>) => {
      resume = { ...resume, ...patch };
      handle.setResume(resume);
    };
    if (resume.asking) {
      save({ asking: false, gap: resume.gap ?? "docsync stopped while a status answer was on its way" });
    }
    const waitSignal = AbortSignal.any([handle.signal, stopping.signal]);
    const callSignal = AbortSignal.any([handle.signal, hardStop.signal]);
    let delay = firstDelay;
    let phase = "";
    const setPhase = (next: string) => {
      if (next !== phase) handle.start((phase = next));
    };
    setPhase("running");
    for (;;) {
      try {
        await sleep(delay, undefined, { signal: waitSignal, ref: false });
      } catch {
        return;
      }
      save({ asking: true });
      let status: ScriptStatus;
      try {
        status = await client.status(serverTaskId, callSignal);
      } catch (error) {
        // Cancelled by the user (the task is final already) or cut at shutdown (`asking` stays set).
        if (callSignal.aborted) return;
        if (isCloudError(error, "quota")) {
          save({ asking: false });
          setPhase("waiting for the daily quota");
          delay = Math.max(1_000, (error.retryAt ?? now() + 60_000) - now());
          continue;
        }
        if (isCloudError(error, "transient")) {
          save({
            asking: false,
            ...(mayHaveArrived(error)
              ? { gap: resume.gap ?? `a status answer was lost (${error.message.replace(/\.$/, "")})` }
              : {}),
          });
          delay = Math.min(
            maxInterval,
            Math.max(delay * 2, 1_000, error.retryAt ? error.retryAt - now() : 0),
          );
          continue;
        }
        handle.fail(inWords(error));
        return;
      }
      const lines: TaskLogLine[] = [];
      if (resume.gap) {
        lines.push({ level: "warn", text: `Log lines may be missing here: ${resume.gap}.`, time: now() });
      }
      for (const line of status.logs) lines.push({ level: line.level, text: line.text, time: line.time });
      if (status.state === "finished" && status.error === undefined) {
        lines.push({ level: RESULT_LEVEL, text: status.result, time: now() });
      }
      append(handle, lines);
      if (status.state === "finished") {
        // Ending the task writes it (and its log) to the journal.
        if (status.error !== undefined) handle.fail(`The script failed: ${status.error}`);
        else handle.succeed();
        return;
      }
      // Written before the next call goes out: a restart never asks for these lines again.
      resume = { ...resume, asking: false };
      delete resume.gap;
      handle.setResume(resume);
      delay = nextPollDelay(delay, status.logs.length, minInterval, maxInterval);
      setPhase(status.unknownStatus ? waitingPhase(status.unknownStatus) : "running");
    }
  };

  const track = (handle: TaskHandle, client: ScriptClient, resume: ScriptResume) => {
    const run = follow(handle, client, resume)
      .catch((error: unknown) => {
        handle.fail(inWords(error));
        report(error);
      })
      .finally(() => following.delete(run));
    following.add(run);
  };

  return {
    async run(input) {
      if (stopping.signal.aborted) throw new Error("Scripts cannot start while docsync is stopping.");
      const client = makeClient(deps.access(input.accountId));
      const document =
        (await deps.describeDocument?.(input.accountId, input.fileId).catch(() => undefined)) ?? input.fileId;
      const resume: ScriptResume = {
        accountId: input.accountId,
        fileId: input.fileId,
        ...(input.name ? { name: input.name } : {}),
      };
      const handle = registry.create({
        kind: "script",
        title: input.name ? `Script "${input.name}" on ${document}` : `Script on ${document}`,
        accountId: input.accountId,
        ...(input.pairId ? { pairId: input.pairId } : {}),
        ...(input.linkedTaskId ? { linkedTaskId: input.linkedTaskId } : {}),
        // Cancelling stops following the script: the API has no call that stops it on the server.
        cancellable: true,
        resume,
      });
      handle.start("starting");
      let serverTaskId: string;
      try {
        serverTaskId = await client.start(input.fileId, input.script, input.name, handle.signal);
      } catch (error) {
        handle.fail(
          mayHaveArrived(error)
            ? `The answer to the script's start was lost (${inWords(error)}); the script may have run. Check the document before running it again.`
            : inWords(error),
        );
        throw error;
      }
      const started = { ...resume, serverTaskId };
      handle.setResume(started);
      track(handle, client, started);
      return { taskId: handle.id };
    },

    resumeUnfinished() {
      for (const { resume, handle } of registry.unfinished("script")) {
        const parsed = resumeSchema.safeParse(resume);
        if (!parsed.success) {
          handle.fail("docsync cannot follow this script after the restart: its saved state is unreadable.");
          continue;
        }
        if (!parsed.data.serverTaskId) {
          handle.fail(
            "docsync stopped while the script was starting; it may have run. Check the document before running it again.",
          );
          continue;
        }
        let client: ScriptClient;
        try {
          client = makeClient(deps.access(parsed.data.accountId));
        } catch (error) {
          handle.fail(inWords(error));
          continue;
        }
        track(handle, client, parsed.data);
      }
    },

    onLog(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async stop() {
      stopping.abort();
      const grace = setTimeout(() => hardStop.abort(), stopGrace);
      await Promise.allSettled([...following]);
      clearTimeout(grace);
    },
  };
}
