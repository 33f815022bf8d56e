/**
 * The model-based test through the real command-line process: every pass is `docsync sync --once`
 * (killed with SIGKILL at a random point once `kill` is on: `testing/model/features.ts`), checked
 * by a quiescent pass. Counts: `testing/model/suite.ts`.
 */
import { describe, test } from "vitest";
import { expectConvergence, suiteScenarios } from "../../testing/model/suite.ts";

const scenarios = suiteScenarios({
  mode: "cli",
  countVariable: "DOCSYNC_MODEL_CLI_SCENARIOS",
  defaultCount: 20,
  rounds: 2,
  maxOpsPerRound: 5,
});

describe("model: the command line converges after kills and faults", () => {
  test.each(scenarios)("$name", ({ scenario }) => expectConvergence(scenario), 180_000);
});
