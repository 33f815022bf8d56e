/**
 * The upload bandwidth cap: a token bucket every request body of an upload passes through, chunk by
 * chunk, as it goes on the wire (the request hooks' `pace`). One big file is throttled while it
 * uploads, small files share the same budget, and a new cap applies from the next chunk on.
 */
export interface BandwidthLimiter {
  /** Resolves once `bytes` more may be sent. */
  take(bytes: number, signal?: AbortSignal): Promise<void>;
  /** A new cap (undefined: none), for the bytes not sent yet. */
  setRate(bytesPerSecond: number | undefined): void;
}

/** The most the link may burst after a quiet moment: a quarter of a second's budget. */
const BURST_SECONDS = 0.25;

export function createBandwidthLimiter(
  bytesPerSecond: number | undefined,
  now: () => number,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
): BandwidthLimiter {
  let rate = bytesPerSecond && bytesPerSecond > 0 ? bytesPerSecond : undefined;
  let tokens = rate ? rate * BURST_SECONDS : 0;
  let last = now();
  let tail: Promise<void> = Promise.resolve();
  const refill = (): void => {
    const time = now();
    if (rate) tokens = Math.min(rate * BURST_SECONDS, tokens + ((time - last) * rate) / 1000);
    last = time;
  };
  return {
    take(bytes, signal) {
      if (!rate) return Promise.resolve();
      // Admitted in order, so a big file is not starved by a stream of small ones.
      const turn = tail.then(async () => {
        refill();
        while (rate && tokens <= 0) {
          // Short steps: a cap changed meanwhile takes effect within one.
          await sleep(Math.min(250, Math.ceil((-tokens * 1000) / rate) + 1), signal);
          refill();
        }
        if (rate) tokens -= bytes;
      });
      tail = turn.catch(() => {});
      return turn;
    },
    setRate(next) {
      refill();
      rate = next && next > 0 ? next : undefined;
      if (rate) tokens = Math.min(tokens, rate * BURST_SECONDS);
      else tokens = 0;
    },
  };
}
