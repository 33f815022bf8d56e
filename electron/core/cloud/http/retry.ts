/**
 * Retry of transient faults with exponential backoff and full jitter. A server that names a wait
 * (Retry-After, carried as `retryAt` on the CloudError) is given at least that long.
 */
import { setTimeout as delay } from "node:timers/promises";
import { CloudError, isCloudError } from "../errors.ts";

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server-requested wait longer than this is not waited for: the error goes to the caller. */
  maxServerWaitMs: number;
  /** In [0, 1). */
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  maxServerWaitMs: 60_000,
  random: Math.random,
  sleep: sleepUnlessAborted,
  now: Date.now,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...defaultRetryPolicy };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) Object.assign(policy, { [key]: value });
  }
  return policy;
}

/**
 * The one backoff formula of docsync: the wait before retry number `retry` (1 for the first retry),
 * uniform in [0, min(max, base * 2^(retry-1))). Requests, polls and a failing file's next try all use it.
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(policy.random() * ceiling);
}

export interface RetryContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** The error that made this attempt necessary (undefined on the first). */
  previous: CloudError | undefined;
}

/**
 * Runs `run` until it succeeds, fails with something other than a transient CloudError, or the
 * attempts are spent. Quota errors are not retried here: their reset is hours away and belongs to
 * the caller's scheduler.
 */
export async function withRetry<T>(
  run: (context: RetryContext) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  /** Narrows which transient errors are retried. */
  retryable: (error: CloudError) => boolean = () => true,
): Promise<T> {
  let previous: CloudError | undefined;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw cancelled(signal);
    try {
      return await run({ attempt, previous });
    } catch (error) {
      if (!isCloudError(error, "transient") || !retryable(error) || attempt >= policy.attempts) throw error;
      let wait = backoffDelay(attempt, policy);
      if (error.retryAt !== undefined) {
        const serverWait = error.retryAt - policy.now();
        if (serverWait > policy.maxServerWaitMs) throw error;
        wait = Math.max(wait, serverWait);
      }
      previous = error;
      await policy.sleep(wait, signal);
    }
  }
}

export function cancelled(signal?: AbortSignal): CloudError {
  return new CloudError("cancelled", "The request was cancelled.", { cause: signal?.reason });
}

async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (signal?.aborted) throw cancelled(signal);
    throw error;
  }
}

/** The headers of an answer (a fetch `Headers` or anything that reads one by name). */
export interface AnswerHeaders {
  get(name: string): string | null;
}

/**
 * The shortest wait a server can ask for: a server clock that runs behind (an HTTP date already in
 * our past) or a `Retry-After: 0` must not turn waiting into a busy loop of retries.
 */
export const MIN_SERVER_WAIT_MS = 1_000;

/**
 * When an answer's `Retry-After` says to come back, as a time on our clock, at least
 * MIN_SERVER_WAIT_MS from `now`; undefined when it is absent or unreadable. An HTTP date is read
 * against the answer's own `Date` (the server's clock, whatever ours says); against `now` without one.
 */
export function parseRetryAfter(headers: AnswerHeaders, now: number): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  let waitMs: number;
  if (/^\d+$/.test(value)) {
    waitMs = Number(value) * 1000;
  } else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    const served = Date.parse(headers.get("date") ?? "");
    waitMs = at - (Number.isNaN(served) ? now : served);
  }
  return now + Math.max(MIN_SERVER_WAIT_MS, waitMs);
}
