import { expect, test } from "vitest";
import { createOpGraph, type Lanes, type OpFailure } from "./op-graph.ts";

/** Lanes that let `limit` operations run at once and record the most that ever did. */
function countingLanes(limit: number): Lanes & { most: number } {
  let running = 0;
  const waiting: (() => void)[] = [];
  const lanes = {
    most: 0,
    async run<T>(work: () => Promise<T>): Promise<T> {
      while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      lanes.most = Math.max(lanes.most, running);
      try {
        return await work();
      } finally {
        running -= 1;
        waiting.shift()?.();
      }
    },
  };
  return lanes;
}

test("an operation starts only after what it needs; independent ones overlap up to the lanes' limit", async () => {
  const lanes = countingLanes(2);
  const graph = createOpGraph({ lanes, signal: new AbortController().signal, onFailure: () => {} });
  const order: string[] = [];
  const step = (name: string) => async () => {
    await new Promise((resolve) => setImmediate(resolve));
    order.push(name);
  };
  const free = graph.add("old name away", [], step("free"));
  const folder = graph.add("folder", [], step("folder"));
  graph.add("take the name", [free], step("take"));
  graph.add("into the folder", [folder], step("child"));
  for (let i = 0; i < 4; i++) graph.add(`other ${i}`, [], step(`other ${i}`));
  await graph.settled();
  expect(order.indexOf("take")).toBeGreaterThan(order.indexOf("free"));
  expect(order.indexOf("child")).toBeGreaterThan(order.indexOf("folder"));
  expect(order).toHaveLength(8);
  expect(lanes.most).toBe(2);
});

test("a failure holds back only what depends on it, and says what it waits for", async () => {
  // A phrase, so each shell says it in its own language.
  const waitsForBox = { key: "core.reason.waitsFor", params: { path: "box" } };
  const failures: OpFailure[] = [];
  const graph = createOpGraph({
    lanes: countingLanes(4),
    signal: new AbortController().signal,
    onFailure: ({ path, reason }) => failures.push({ path, reason }),
  });
  const ran: string[] = [];
  const box = graph.add("box", [], async () => {
    throw new Error('"box" exists in the cloud and is not a folder.');
  });
  const inside = graph.add("box/inside.txt", [box], async () => void ran.push("inside"));
  graph.add("box/inside.txt/deeper", [inside], async () => void ran.push("deeper"));
  graph.add("other.txt", [], async () => void ran.push("other"));
  await graph.settled();
  // Added after the failure: held back at once.
  graph.add("box/late.txt", [box], async () => void ran.push("late"));
  await graph.settled();
  expect(ran).toEqual(["other"]);
  expect(failures).toEqual([
    { path: "box", reason: '"box" exists in the cloud and is not a folder.' },
    { path: "box/inside.txt", reason: waitsForBox },
    { path: "box/inside.txt/deeper", reason: waitsForBox },
    { path: "box/late.txt", reason: waitsForBox },
  ]);
});

test("a stopped pass ends the graph with the stop's reason; nothing else starts", async () => {
  const stop = new AbortController();
  const graph = createOpGraph({ lanes: countingLanes(1), signal: stop.signal, onFailure: () => {} });
  let release!: () => void;
  const first = graph.add("first", [], () => new Promise<void>((resolve) => (release = resolve)));
  let secondRan = false;
  graph.add("second", [first], async () => {
    secondRan = true;
  });
  const settled = graph.settled();
  stop.abort(new Error("The sync engine stopped."));
  release();
  await expect(settled).rejects.toThrow("The sync engine stopped.");
  expect(secondRan).toBe(false);
});
