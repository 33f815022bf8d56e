/**
 * When to ask about a server task again, from what its answers showed: once two answers give its
 * speed, just after it should be done; before that, soon enough for a second answer to measure it.
 * A task's first progress says little about its speed (an import first connects to its source, then
 * streams), so one answer never sets a wait longer than the task has run so far.
 */
import type { ServerTaskStatus } from "../cloud/provider.ts";
import { UNKNOWN_STATUS_MAX_INTERVAL_MS } from "../cloud/task-wait.ts";

export type PollPace = (answer: ServerTaskStatus, previousMs: number) => number;

export function pollPace(options: {
  /** When the task was started (asked for). */
  startedAt: number;
  maxIntervalMs: number;
  now: () => number;
}): PollPace {
  const { startedAt, maxIntervalMs, now } = options;
  // Pace is measured from the first observation; a zero-progress start tells nothing.
  let last: { time: number; current: number } | undefined;
  return (answer, previous) => {
    if (answer.unknownStatus) {
      last = undefined;
      return Math.min(UNKNOWN_STATUS_MAX_INTERVAL_MS, previous * 2);
    }
    const time = now();
    let delay: number;
    if (last && answer.total > 0 && answer.current > last.current && time > last.time) {
      const perMs = (answer.current - last.current) / (time - last.time);
      const remainingMs = (answer.total - answer.current) / perMs;
      delay = Math.max(100, remainingMs * 1.05 + 50);
    } else if (!last && answer.total > 0 && answer.current > 0) {
      // One sample since the start: assume the task began when it was asked for.
      const ranMs = Math.max(previous, time - startedAt, 1);
      const remainingMs = ((answer.total - answer.current) * ranMs) / answer.current;
      delay = Math.max(100, Math.min(remainingMs, ranMs));
    } else {
      delay = previous * 1.6;
    }
    last = { time, current: answer.current };
    return Math.min(maxIntervalMs, delay);
  };
}
