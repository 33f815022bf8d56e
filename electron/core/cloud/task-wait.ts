/**
 * Waiting for a server task the provider started for itself (an import without the core's poller, a
 * delete job, a move that puts an import in place): soon after the start, then less and less often.
 * A status word the contract does not know keeps the task waiting, polled more and more slowly, for
 * a day at most; only then does the wait give up, naming the word.
 */
import { setTimeout as delay } from "node:timers/promises";
import { CloudError } from "./errors.ts";
import { UNKNOWN_STATUS_PATIENCE_MS, type ServerTaskStatus, type TaskProgress } from "./provider.ts";
import { cancelled } from "./http/retry.ts";

/** The longest pause between two polls of a task whose status word is unknown. */
export const UNKNOWN_STATUS_MAX_INTERVAL_MS = 10 * 60 * 1000;

export interface PollOptions {
  firstMs: number;
  maxMs: number;
  onProgress?: TaskProgress;
  signal?: AbortSignal;
  now?: () => number;
}

export async function pollUntilFinal(
  poll: (signal?: AbortSignal) => Promise<ServerTaskStatus>,
  options: PollOptions,
): Promise<ServerTaskStatus> {
  const now = options.now ?? Date.now;
  const patience = unknownStatusPatience(now);
  let wait = options.firstMs;
  for (;;) {
    const status = await poll(options.signal);
    options.onProgress?.(status.current, status.total, status);
    if (status.state !== "running") return status;
    patience.observe(status);
    wait = status.unknownStatus
      ? Math.min(UNKNOWN_STATUS_MAX_INTERVAL_MS, wait * 2)
      : Math.min(options.maxMs, Math.round(wait * 1.5));
    try {
      await delay(wait, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      throw cancelled(options.signal);
    }
  }
}

/** Counts how long a task has answered unknown words; throws once that has lasted a day. */
export function unknownStatusPatience(now: () => number): { observe(status: ServerTaskStatus): void } {
  let since: number | undefined;
  return {
    observe(status) {
      if (!status.unknownStatus) {
        since = undefined;
        return;
      }
      since ??= now();
      if (now() - since >= UNKNOWN_STATUS_PATIENCE_MS) throw new UnknownStatusTimeout(status.unknownStatus);
    },
  };
}

/** A task given up on after a day of status words the contract does not know. */
export class UnknownStatusTimeout extends CloudError {
  constructor(word: string) {
    super(
      "protocol",
      `The service has answered the status "${word}" for a day, a word docsync does not know, so it stopped ` +
        "waiting. Nothing is wrong with the file; please report the word so docsync can learn it.",
    );
  }
}
