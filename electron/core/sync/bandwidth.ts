/**
 * A token bucket for the upload bandwidth cap. The provider reads files itself, so the cap admits
 * each upload against the budget before it starts: the average rate stays under the cap, and a
 * file larger than one second's budget simply waits longer before the next one starts.
 */
export interface BandwidthLimiter {
  take(bytes: number, signal?: AbortSignal): Promise<void>;
  /** Returns budget an upload took but did not send (it failed early), so other files do not wait for it. */
  giveBack(bytes: number): void;
}

export function createBandwidthLimiter(
  bytesPerSecond: number | undefined,
  now: () => number,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
): BandwidthLimiter {
  if (!bytesPerSecond || bytesPerSecond <= 0) return { take: async () => {}, giveBack: () => {} };
  let tokens = bytesPerSecond;
  let last = now();
  let tail: Promise<void> = Promise.resolve();
  const refill = (): void => {
    const time = now();
    tokens = Math.min(bytesPerSecond, tokens + ((time - last) * bytesPerSecond) / 1000);
    last = time;
  };
  return {
    take(bytes, signal) {
      // Admitted in order, so a big file is not starved by a stream of small ones.
      const turn = tail.then(async () => {
        refill();
        while (tokens <= 0) {
          // Short steps: budget given back meanwhile lets the next upload start at once.
          await sleep(Math.min(250, Math.ceil((-tokens * 1000) / bytesPerSecond) + 1), signal);
          refill();
        }
        tokens -= bytes;
      });
      tail = turn.catch(() => {});
      return turn;
    },
    giveBack(bytes) {
      if (bytes <= 0) return;
      refill();
      tokens = Math.min(bytesPerSecond, tokens + bytes);
    },
  };
}
