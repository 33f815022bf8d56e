/**
 * The model-based test through the real command-line process: every pass is `docsync sync --once`,
 * one at least in each scenario killed with SIGKILL at a random point, checked by a quiescent pass.
 * Counts: `testing/model/suite.ts`.
 */
import { describe, test } from "vitest";
import { expectConvergence, suiteScenarios } from "../../testing/model/suite.ts";

const scenarios = suiteScenarios({
  mode: "cli",
  countVariable: "DOCSYNC_MODEL_CLI_SCENARIOS",
  defaultCount: 20,
  rounds: 1,
  maxOpsPerRound: 6,
});

// Each scenario has its own local cloud, folder and home; its processes mostly wait on them.
describe.concurrent("model: the command line converges after kills and faults", () => {
  test.each(scenarios)("$name", ({ scenario }) => expectConvergence(scenario), 180_000);
});
