import { expect, test } from "vitest";
import type { CloudProvider, ServerTaskStatus } from "../cloud/provider.ts";
import { openJournal } from "../journal/index.ts";
import { createTaskPoller } from "./index.ts";

/** A provider whose task answers these statuses in turn (the last one again and again). */
function answering(statuses: ServerTaskStatus[], onPoll: () => void = () => {}): CloudProvider {
  let next = 0;
  return {
    async pollTask() {
      onPoll();
      return statuses[Math.min(next++, statuses.length - 1)]!;
    },
  } as unknown as CloudProvider;
}

const waiting = (word: string): ServerTaskStatus => ({
  state: "running",
  unknownStatus: word,
  current: 0,
  total: -1,
  failed: [],
});
const done: ServerTaskStatus = { state: "succeeded", current: 2, total: 2, failed: [] };

test("an unknown status word keeps the task waiting, shown to its owner, until the service ends it", async () => {
  const journal = openJournal(":memory:");
  const poller = createTaskPoller({
    journal,
    providerFor: () => answering([waiting("queued"), waiting("queued"), done]),
    firstDelayMs: 5,
  });
  const seen: Array<string | undefined> = [];
  const status = await poller.wait(
    "acc",
    { kind: "move", id: "t1" },
    { onProgress: (_current, _total, answer) => seen.push(answer?.unknownStatus) },
  );
  expect(status.state).toBe("succeeded");
  expect(seen).toEqual(["queued", "queued", undefined]);
  expect(poller.pending()).toEqual([]);
  poller.stop();
  journal.close();
});

test("after a day of unknown words the wait gives up, naming the word, and forgets the task", async () => {
  const journal = openJournal(":memory:");
  let clock = 1_700_000_000_000;
  const poller = createTaskPoller({
    journal,
    // Each answer comes 7 hours after the one before.
    providerFor: () => answering([waiting("pending-review")], () => (clock += 7 * 3_600_000)),
    now: () => clock,
    firstDelayMs: 5,
  });
  const error = await poller.wait("acc", { kind: "import", id: "t2" }).catch((e: unknown) => e);
  expect(error).toMatchObject({ kind: "protocol" });
  expect((error as Error).message).toMatch(/"pending-review" for a day/);
  expect((error as Error).message).toMatch(/Nothing is wrong with the file/);
  expect(poller.pending()).toEqual([]);
  poller.stop();
  journal.close();
});
