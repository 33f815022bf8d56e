/**
 * How the command line and the web shell stop: the first SIGINT or SIGTERM asks for a clean stop
 * (the running pass checkpoints, the journal is flushed), a second one from the user stops at once,
 * and a stop that outlives its bound ends the process anyway.
 *
 * Libraries install their own handlers (conf → atomically → when-exit) that clean up and then send
 * the signal again, which would read as the user's second signal and cut the clean stop short. The
 * shell owns these signals: handlers found at install are removed (when-exit runs its cleanup on
 * `exit` as well), and a signal that a library's handler installed later sends again is not counted.
 */

/** The longest a clean stop may take before the process ends regardless. */
export const STOP_BOUND_MS = 10_000;

export const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

export interface StopSignalOptions {
  /** The first signal: begin the clean stop. */
  stop(signal: StopSignal): void;
  /** A second signal from the user, or the bound passed: end now (default: exit 130). */
  now?(why: "second signal" | "bound"): void;
  boundMs?: number;
  /** For tests. */
  target?: NodeJS.EventEmitter;
}

/** Installs the handlers; answers a function that removes them. */
export function onStopSignals({
  stop,
  now = endNow,
  boundMs = STOP_BOUND_MS,
  target = process,
}: StopSignalOptions): () => void {
  let stopping = false;
  /** Signals that handlers of libraries present at the first signal may send again. */
  let echoes = 0;
  let bound: NodeJS.Timeout | undefined;
  // Ours is added before the others go: a signal with no listener at all would end the process.
  const own = (signal: StopSignal): void => {
    if (!target.listeners(signal).includes(handler)) target.on(signal, handler);
    for (const other of target.listeners(signal)) {
      if (other !== handler) target.off(signal, other as (...args: unknown[]) => void);
    }
  };
  function handler(signal: StopSignal): void {
    if (!stopping) {
      stopping = true;
      echoes = target.listeners(signal).filter((l) => l !== handler).length;
      for (const s of STOP_SIGNALS) own(s);
      // Only a stop that hangs meets this timer; it must not keep the process alive by itself.
      bound = setTimeout(() => now("bound"), boundMs);
      bound.unref();
      stop(signal);
      return;
    }
    if (echoes > 0) {
      echoes -= 1;
      return;
    }
    now("second signal");
  }
  for (const signal of STOP_SIGNALS) own(signal);
  return () => {
    if (bound) clearTimeout(bound);
    for (const signal of STOP_SIGNALS) target.off(signal, handler);
  };
}

/** The process ends at once; a stop that hung says so first. The journal keeps the work resumable. */
function endNow(why: "second signal" | "bound"): never {
  if (why === "bound")
    process.stderr.write(
      `docsync: the stop took longer than ${STOP_BOUND_MS / 1000} s; what was under way continues at the next start\n`,
    );
  process.exit(130);
}
