/**
 * A process that waits must stay alive by itself. Most waits keep Node's event loop busy on their
 * own (a socket, a file read), but a pause between two status polls or a wait for other tasks
 * does not: without a hold, a command line could run out of work and end mid-wait. Whatever waits
 * like that holds the process while it does; the last release lets it exit.
 */
let holds = 0;
let timer: NodeJS.Timeout | undefined;

/** Keeps the process alive until the returned function is called (calling it twice is harmless). */
export function holdProcess(): () => void {
  holds += 1;
  timer ??= setInterval(() => {}, 2 ** 30);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds -= 1;
    if (holds === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Runs `work` while holding the process alive. */
export async function whileHeld<T>(work: () => Promise<T>): Promise<T> {
  const release = holdProcess();
  try {
    return await work();
  } finally {
    release();
  }
}
