/**
 * Runs background work at a set number of items per second, as the real service's jobs do, so a
 * client can watch progress. The pace can change while work runs (tests speed it up or slow it down).
 */
import { setTimeout as sleep } from "node:timers/promises";

const TICK_MS = 50;

export class Pacer {
  #itemsPerSecond: number;
  readonly #stop = new AbortController();
  readonly #running = new Set<Promise<void>>();

  constructor(itemsPerSecond: number) {
    this.#itemsPerSecond = itemsPerSecond;
  }

  get itemsPerSecond(): number {
    return this.#itemsPerSecond;
  }

  set itemsPerSecond(value: number) {
    this.#itemsPerSecond = value;
  }

  /**
   * Calls `step(n)` with the items allowed since the last call until it answers true (finished).
   * A step that throws ends the work with `onError`.
   */
  run(step: (count: number) => Promise<boolean> | boolean, onError: (error: unknown) => void): void {
    const signal = this.#stop.signal;
    const work = (async () => {
      let allowance = 0;
      let last = performance.now();
      while (!signal.aborted) {
        try {
          await sleep(TICK_MS, undefined, { signal });
        } catch {
          return;
        }
        const now = performance.now();
        allowance = Math.min(allowance + ((now - last) / 1000) * this.#itemsPerSecond, 10_000);
        last = now;
        const count = Math.floor(allowance);
        if (count === 0) continue;
        allowance -= count;
        try {
          if (await step(count)) return;
        } catch (error) {
          onError(error);
          return;
        }
      }
    })();
    this.#running.add(work);
    void work.finally(() => this.#running.delete(work));
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await Promise.all([...this.#running]);
  }
}
