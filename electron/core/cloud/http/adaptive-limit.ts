/**
 * How many requests run at once, found the way TCP finds its window. It starts moderate; while
 * work waits for a lane and the service answers without pushing back, each answer adds a lane
 * (doubling per round trip, "slow start") until the first pushback, and from then on one lane per
 * round trip (additive increase). A pushback (429, 5xx, a timeout: heard through the request
 * hooks, or thrown out of the work) halves the lanes (multiplicative decrease), once per round:
 * answers to requests sent before the cut say nothing about the new number. Never above `max`.
 */
import { isCloudError } from "../errors.ts";
import { withRequestHooks } from "./request-hooks.ts";

export interface AdaptiveLimit {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Lanes now. */
  readonly limit: number;
  readonly running: number;
  /** The most that ran at once. */
  readonly peak: number;
}

export interface AdaptiveLimitOptions {
  initial: number;
  max: number;
  /** Lanes kept however hard the service pushes back. */
  min?: number;
}

const isPushback = (error: unknown): boolean =>
  isCloudError(error, "transient") || isCloudError(error, "quota");

export function createAdaptiveLimit(options: AdaptiveLimitOptions): AdaptiveLimit {
  const max = Math.max(1, options.max);
  const min = Math.min(max, Math.max(1, options.min ?? 1));
  let lanes = Math.min(max, Math.max(min, Math.floor(options.initial)));
  // Slow start ends at the first pushback, which sets the threshold.
  let threshold = max;
  let round = 0;
  // Answers counted towards the next lane, in additive increase.
  let acked = 0;
  let running = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];

  const pump = (): void => {
    while (running < lanes && waiting.length > 0) {
      running += 1;
      waiting.shift()!();
    }
  };
  const grow = (startedIn: number): void => {
    // Only full lanes say anything about the service keeping up with more, and only an answer
    // to a request sent since the last cut says anything about the number now.
    if (startedIn < round || (waiting.length === 0 && running < lanes)) return;
    if (lanes < threshold) lanes += 1;
    else if (++acked >= lanes) {
      acked = 0;
      lanes += 1;
    }
    lanes = Math.min(max, lanes);
  };
  const cut = (startedIn: number): void => {
    if (startedIn < round) return;
    round += 1;
    lanes = Math.max(min, Math.floor(lanes / 2));
    threshold = lanes;
    acked = 0;
  };

  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      // A waiting one is counted as running by the pump that starts it.
      if (running < lanes && waiting.length === 0) running += 1;
      else await new Promise<void>((start) => waiting.push(start));
      peak = Math.max(peak, running);
      const startedIn = round;
      let pushed = false;
      try {
        const result = await withRequestHooks(
          {
            pushback: () => {
              pushed = true;
              cut(startedIn);
            },
          },
          work,
        );
        if (!pushed) grow(startedIn);
        return result;
      } catch (error) {
        if (isPushback(error)) cut(startedIn);
        throw error;
      } finally {
        running -= 1;
        pump();
      }
    },
    get limit() {
      return lanes;
    },
    get running() {
      return running;
    },
    get peak() {
      return peak;
    },
  };
}
