import { expect, test } from "vitest";
import type { CoreEvent } from "../bridge/types.ts";
import { startLiveSync } from "./live-sync.ts";

function harness(snapshotSeqs: number[]) {
  const listeners = new Set<(event: CoreEvent) => void>();
  const reconnects = new Set<() => void>();
  const applied: number[] = [];
  let fetches = 0;
  const pending: (() => void)[] = [];
  const live = startLiveSync(
    {
      onEvent: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
      onLinkOpen: (listener) => (reconnects.add(listener), () => reconnects.delete(listener)),
    },
    {
      fetchSnapshot: () =>
        new Promise((resolve) => {
          const seq = snapshotSeqs[Math.min(fetches, snapshotSeqs.length - 1)]!;
          fetches += 1;
          pending.push(() => resolve({ seq, apply: () => applied.push(-seq) }));
        }),
      applyEvent: (event) => applied.push(event.payload.seq),
    },
  );
  const send = (seq: number) => {
    for (const listener of listeners)
      listener({ name: "tree.changed", payload: { seq, accountId: "a", folderIds: [] } });
  };
  const answer = async () => {
    pending.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return {
    live,
    send,
    answer,
    applied,
    fetches: () => fetches,
    reconnect: () => reconnects.forEach((l) => l()),
  };
}

test("events during the first snapshot are held, then only the newer ones applied in order", async () => {
  const h = harness([5]);
  h.send(4);
  h.send(5);
  h.send(6);
  await h.answer();
  h.send(7);
  expect(h.applied).toEqual([-5, 6, 7]);
  expect(h.fetches()).toBe(1);
});

test("a gap in the numbers fetches a fresh snapshot; stale events are dropped", async () => {
  const h = harness([1, 9]);
  await h.answer();
  h.send(2);
  h.send(2);
  h.send(5); // 3 and 4 were lost
  expect(h.fetches()).toBe(2);
  h.send(10);
  await h.answer();
  expect(h.applied).toEqual([-1, 2, -9, 10]);
});

test("a link that comes back fetches a fresh snapshot", async () => {
  const h = harness([3, 8]);
  await h.answer();
  h.reconnect();
  await h.answer();
  h.send(9);
  expect(h.applied).toEqual([-3, -8, 9]);
  h.live.stop();
  h.send(10);
  expect(h.applied).toEqual([-3, -8, 9]);
});
