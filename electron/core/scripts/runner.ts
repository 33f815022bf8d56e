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
import { z } from "zod";
import type { TaskView } from "../../../shared/model.ts";
import type { CloudError } from "../cloud/errors.ts";
import { isNetworkFailure } from "../cloud/http/transport.ts";
import { KdocsScriptClient, type ScriptStatus } from "../cloud/kdocs/scripts.ts";
import type { NoticeSink } from "../cloud/notices.ts";
import { waitingPhase } from "../cloud/provider.ts";
import { toIpcError } from "../ipc-error.ts";
import { say } from "../words.ts";
import { pollUntilDone } from "../tasks/poll.ts";
import type { Job, JobRunner } from "../tasks/runner.ts";
import type { TaskHandle } from "../tasks/types.ts";

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
  runner: JobRunner;
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
  /** Failures of a log listener. */
  onError?: (error: unknown) => void;
}

export interface ScriptRunner {
  /** Starts the script and returns its task; throws (the task failed) when the start is refused. */
  run(input: ScriptRunInput): Promise<{ taskId: string }>;
  /** Every batch of log lines as it is appended to a task. */
  onLog(listener: (taskId: string, lines: TaskLogLine[]) => void): () => void;
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
  const now = deps.now ?? Date.now;
  const firstDelay = deps.firstDelayMs ?? 250;
  const minInterval = deps.minIntervalMs ?? 500;
  const maxInterval = deps.maxIntervalMs ?? 5_000;
  const stopGrace = deps.stopGraceMs ?? 5_000;
  const report = deps.onError ?? ((error: unknown) => console.error(error));
  const makeClient = deps.makeClient ?? ((access: ScriptAccess) => new KdocsScriptClient(access));
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

  /** Follows a started script to its end, its log streamed into the task. */
  const follow = async (job: Job<ScriptResume>): Promise<void> => {
    const { handle } = job;
    if (!job.state.serverTaskId) {
      handle.fail(say("core.script.stoppedWhileStarting"));
      return;
    }
    const serverTaskId = job.state.serverTaskId;
    let client: ScriptClient;
    try {
      client = makeClient(deps.access(job.state.accountId));
    } catch (error) {
      handle.fail(inWords(error));
      return;
    }
    let resume: ScriptResume = job.state;
    const save = (patch: Partial<ScriptResume>) => {
      resume = { ...resume, ...patch };
      job.save(resume);
    };
    if (resume.asking) {
      save({ asking: false, gap: resume.gap ?? "docsync stopped while a status answer was on its way" });
    }
    // A stop ends the pauses at once; a call on its way gets `stopGrace` to answer, so its lines are kept.
    const hardStop = new AbortController();
    let grace: NodeJS.Timeout | undefined;
    const onStop = () => (grace = setTimeout(() => hardStop.abort(), stopGrace));
    job.stopping.addEventListener("abort", onStop, { once: true });
    let phase = "";
    const setPhase = (next: string) => {
      if (next !== phase) handle.start((phase = next));
    };
    setPhase("running");
    try {
      await pollUntilDone<ScriptStatus>({
        ask: (callSignal) => client.status(serverTaskId, callSignal),
        beforeAsk: () => save({ asking: true }),
        onFault: (error: CloudError, kind) => {
          if (kind === "quota") {
            save({ asking: false });
            setPhase("waiting for the daily quota");
            return;
          }
          save({
            asking: false,
            ...(mayHaveArrived(error)
              ? { gap: resume.gap ?? `a status answer was lost (${error.message.replace(/\.$/, "")})` }
              : {}),
          });
        },
        done: (status) => {
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
            if (status.error !== undefined) handle.fail(say("core.script.failed", { error: status.error }));
            else handle.succeed();
            return true;
          }
          // Written before the next call goes out: a restart never asks for these lines again.
          resume = { ...resume, asking: false };
          delete resume.gap;
          job.save(resume);
          setPhase(status.unknownStatus ? waitingPhase(status.unknownStatus) : "running");
          return false;
        },
        pace: (status, previous) => nextPollDelay(previous, status.logs.length, minInterval, maxInterval),
        firstDelayMs: firstDelay,
        maxDelayMs: maxInterval,
        signal: job.signal,
        callSignal: AbortSignal.any([handle.signal, hardStop.signal]),
        now,
      });
    } catch (error) {
      // Cancelled by the user (the task is final already) or cut at shutdown (`asking` stays set).
      if (!job.signal.aborted) handle.fail(inWords(error));
    } finally {
      job.stopping.removeEventListener("abort", onStop);
      if (grace) clearTimeout(grace);
    }
  };

  const scriptJob = deps.runner.declare<ScriptResume>({
    kind: "script",
    parse: (saved) => {
      const parsed = resumeSchema.safeParse(saved);
      return parsed.success ? parsed.data : undefined;
    },
    lost: say("core.task.scriptLost"),
    run: follow,
  });

  return {
    async run(input) {
      const client = makeClient(deps.access(input.accountId));
      const document =
        (await deps.describeDocument?.(input.accountId, input.fileId).catch(() => undefined)) ?? input.fileId;
      const resume: ScriptResume = {
        accountId: input.accountId,
        fileId: input.fileId,
        ...(input.name ? { name: input.name } : {}),
      };
      const job = scriptJob.open(
        {
          title: input.name ? `Script "${input.name}" on ${document}` : `Script on ${document}`,
          accountId: input.accountId,
          ...(input.pairId ? { pairId: input.pairId } : {}),
          ...(input.linkedTaskId ? { linkedTaskId: input.linkedTaskId } : {}),
          // Cancelling stops following the script: the API has no call that stops it on the server.
          cancellable: true,
        },
        resume,
      );
      job.handle.start("starting");
      let serverTaskId: string;
      try {
        serverTaskId = await client.start(input.fileId, input.script, input.name, job.handle.signal);
      } catch (error) {
        job.handle.fail(
          mayHaveArrived(error)
            ? `The answer to the script's start was lost (${inWords(error)}); the script may have run. Check the document before running it again.`
            : inWords(error),
        );
        throw error;
      }
      job.save({ ...resume, serverTaskId });
      scriptJob.launch(job);
      return { taskId: job.id };
    },

    onLog(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
