/**
 * The model-based test of upload-only pairs: seeded random folder operations, passes, restarts and
 * injected faults against the real engine and the local cloud, checked at every quiescent point
 * (the cloud equals the folder, no name twice, documents keep their tokens, an idle pass sends
 * nothing). A failure prints its seed, what happened, the diff and the command that replays it.
 * Counts and features: `testing/model/suite.ts` and `testing/model/features.ts`.
 */
import { describe, test } from "vitest";
import { expectConvergence, suiteScenarios } from "../../../testing/model/suite.ts";

const once = suiteScenarios({
  mode: "once",
  countVariable: "DOCSYNC_MODEL_SCENARIOS",
  defaultCount: 300,
  rounds: 5,
  maxOpsPerRound: 5,
});

const watching = suiteScenarios({
  mode: "watch",
  countVariable: "DOCSYNC_MODEL_WATCH_SCENARIOS",
  defaultCount: 10,
  rounds: 3,
  maxOpsPerRound: 5,
});

// Each scenario has its own local cloud, folder and home, and spends most of its time waiting on
// them, so several run at once.
describe.concurrent("model: upload-only pairs converge after every quiescent pass", () => {
  test.each(once)("$name", ({ scenario }) => expectConvergence(scenario));
});

// One at a time: operations land on a clock (0-300 ms apart) and the engine has 30 s to follow.
describe("model: a watching engine brings the cloud to the folder within 30 s, without a rescan", () => {
  test.each(watching)("$name", ({ scenario }) => expectConvergence(scenario), 120_000);
});
