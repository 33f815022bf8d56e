import { beforeEach, expect, test } from "vitest";
import type { Envelope } from "../../shared/contract.ts";
import type { PairView } from "../../shared/model.ts";
import { installBridge } from "../bridge/client.ts";
import type { ShellBridge } from "../bridge/types.ts";
import { usePairs } from "./pairs.ts";

const pair = (id: string, state: PairView["state"]): PairView => ({
  id,
  accountId: "acc",
  localPath: `/home/you/${id}`,
  remotePath: `/${id}`,
  deletePolicy: "keep",
  state,
  message: state,
  pendingFiles: 0,
  pendingDeletes: 0,
  issues: [],
});

/** A bridge whose calls wait until the test answers them. */
function heldCalls(): (result: PairView) => void {
  const waiting: ((answer: Envelope<PairView>) => void)[] = [];
  installBridge({
    call: () => new Promise((resolve) => waiting.push(resolve)),
  } as unknown as ShellBridge);
  return (result) => waiting.shift()!({ ok: true, result });
}

const states = () => usePairs.getState().pairs.map((p) => `${p.id}:${p.state}`);

beforeEach(() => usePairs.setState({ pairs: [], loaded: false }));

test("a new pair announced in sync before its add call answers stays in sync", async () => {
  const answer = heldCalls();
  const adding = usePairs
    .getState()
    .add({ accountId: "acc", localPath: "/home/you/a", remotePath: "/a", deletePolicy: "keep" });
  usePairs.getState().setAll([pair("a", "idle")]);
  answer(pair("a", "scanning"));
  await adding;
  expect(states()).toEqual(["a:idle"]);
});

test("a new pair shows as soon as its add call answers, before the feed announces it", async () => {
  const answer = heldCalls();
  const adding = usePairs
    .getState()
    .add({ accountId: "acc", localPath: "/home/you/a", remotePath: "/a", deletePolicy: "keep" });
  usePairs.getState().setAll([pair("b", "idle")]);
  answer(pair("a", "scanning"));
  await adding;
  expect(states()).toEqual(["b:idle", "a:scanning"]);
});

test("a pause answer replaces the pair when the feed said nothing meanwhile, and never brings back a removed one", async () => {
  usePairs.getState().setAll([pair("a", "idle")]);
  const answer = heldCalls();
  const pausing = usePairs.getState().pause("a");
  answer(pair("a", "paused"));
  await pausing;
  expect(states()).toEqual(["a:paused"]);

  const resuming = usePairs.getState().resume("a");
  usePairs.getState().setAll([]);
  answer(pair("a", "idle"));
  await resuming;
  expect(states()).toEqual([]);
});
