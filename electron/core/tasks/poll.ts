/**
 * The one poll loop for work the server does on its own (imports, batch moves, zip packages,
 * scripts): it asks, paces the next question on what the answer showed, treats a transient fault
 * as "no news" and asks again after the one backoff, and waits out a used-up quota until its reset.
 * Its pauses hold the process alive, so a command line that waits for a server task never runs dry.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "../cloud/http/retry.ts";
import { isCloudError, type CloudError } from "../cloud/errors.ts";
import { whileHeld } from "./keep-alive.ts";

export interface PollOptions<T> {
  /** One status call. */
  ask(signal: AbortSignal): Promise<T>;
  /** Whether the answer is the task's last. */
  done(answer: T): boolean;
  /** The pause after an answer, from the previous pause. */
  pace(answer: T, previousMs: number): number;
  /** Pause before the first call. */
  firstDelayMs: number;
  /** Longest pause after a fault. */
  maxDelayMs: number;
  /** Ends the pauses (and, without `callSignal`, the calls). */
  signal: AbortSignal;
  /** Ends a call on its way; defaults to `signal`. */
  callSignal?: AbortSignal;
  now?: () => number;
  /** Just before each call. */
  beforeAsk?(): void;
  /** A fault the loop rides out ("transient") or waits out ("quota"); anything else ends the poll. */
  onFault?(error: CloudError, kind: "transient" | "quota"): void;
}

/** Asks until the answer is the last one and returns it; throws what cannot be ridden out. */
export async function pollUntilDone<T>(options: PollOptions<T>): Promise<T> {
  const now = options.now ?? Date.now;
  const callSignal = options.callSignal ?? options.signal;
  const ceiling = { baseDelayMs: options.firstDelayMs, maxDelayMs: options.maxDelayMs, random: Math.random };
  return whileHeld(async () => {
    let delay = options.firstDelayMs;
    let faults = 0;
    for (;;) {
      await sleep(delay, undefined, { signal: options.signal });
      options.beforeAsk?.();
      let answer: T;
      try {
        answer = await options.ask(callSignal);
      } catch (error) {
        if (callSignal.aborted || options.signal.aborted) throw error;
        const waitFor =
          (error as CloudError).retryAt !== undefined ? (error as CloudError).retryAt! - now() : 0;
        if (isCloudError(error, "quota")) {
          options.onFault?.(error, "quota");
          delay = Math.max(1_000, error.retryAt === undefined ? 60_000 : waitFor);
          continue;
        }
        if (isCloudError(error, "transient")) {
          options.onFault?.(error, "transient");
          delay = Math.max(backoffDelay(++faults, ceiling), waitFor);
          continue;
        }
        throw error;
      }
      faults = 0;
      if (options.done(answer)) return answer;
      delay = options.pace(answer, delay);
    }
  });
}
