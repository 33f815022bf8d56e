/** A journal that cannot be written for a while (a full disk) does not stop the engine: the pair waits and goes on. */
import { afterEach, expect, test } from "vitest";
import { waitFor } from "../../../testing/harness.ts";
import { startScenario, type Scenario } from "../../../testing/scenario.ts";
import type { Journal } from "../journal/index.ts";

let s: Scenario | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** Every write of the journal fails as SQLite's do on a full disk while `gate.full` is set; reads work. */
function fillingDisk(gate: { full: boolean }) {
  return (journal: Journal): Journal =>
    new Proxy(journal, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== "function" || !/^(put|delete|append|clear|transaction)/.test(String(key)))
          return value;
        return (...args: unknown[]) => {
          if (gate.full)
            throw Object.assign(new Error("database or disk is full"), {
              code: "ERR_SQLITE_ERROR",
              errcode: 13,
            });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
}

test("a full disk under the journal: the pair waits for the journal, says why, and goes on once there is room", async () => {
  const gate = { full: false };
  const sc = (s = await startScenario({
    wrapJournal: fillingDisk(gate),
    engine: { rescanIntervalMs: 3_600_000 },
  }));
  await sc.addPair("/r");
  await sc.t.engine.start();
  await waitFor(() => sc.t.engine.pairs()[0]?.state === "idle", "the start-up pass");
  gate.full = true;
  sc.write("a.txt", "alpha");
  const waiting = await waitFor(() => {
    const view = sc.t.engine.pairs()[0];
    return view?.state === "waiting-journal" ? view : undefined;
  }, "the pair to wait for the journal");
  expect(waiting.message).toBe("waiting for the journal: the disk is full");
  gate.full = false;
  await waitFor(async () => (await sc.remote("/r")).has("a.txt"), "the upload", 20_000);
  await waitFor(() => sc.t.engine.pairs()[0]?.state === "idle", "the pair in sync");
  const texts = sc.t.engine.activity().map((e) => e.text);
  expect(texts.some((t) => t.includes("could not be reached"))).toBe(false);
  expect(texts.some((t) => t === "The journal can be written again; syncing goes on.")).toBe(true);
});
