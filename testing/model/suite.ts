/**
 * The model scenarios of `npm test`: how many, on which clouds and with which features, scaled by
 * environment variables so a longer run (or a run with the known-failing features on) is one
 * variable away:
 *
 * - DOCSYNC_MODEL_SCENARIOS: in-process scenarios (default 300, split between KDocs and KooDrive,
 *   a test file for each cloud so the two run side by side);
 * - DOCSYNC_MODEL_CLI_SCENARIOS: scenarios through the command-line process (default 20);
 * - DOCSYNC_MODEL_WATCH_SCENARIOS: in-process watching scenarios (default 10);
 * - DOCSYNC_MODEL_FEATURES: `passing` (default), `all`, or a list (see `npm run fuzz -- --help`);
 * - DOCSYNC_MODEL_SEED: the first seed (default 1); scenario i runs seed + i.
 */
import { describe, test } from "vitest";
import { parseFeatures } from "./features.ts";
import { formatFailure } from "./report.ts";
import { runScenario } from "./run.ts";
import { generateScenario, type Mode, type Scenario } from "./scenario.ts";
import type { CloudName } from "./world.ts";

const env = process.env;

const whole = (name: string, fallback: number): number => {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} takes a whole number, not "${text}"`);
  return n;
};

export interface SuiteOptions {
  mode: Mode;
  /** The variable that sets the count, and the count without it. */
  countVariable: string;
  defaultCount: number;
  rounds: number;
  maxOpsPerRound: number;
}

/** The scenarios of one suite, alternating the clouds (`only`: those of one cloud). */
export function suiteScenarios(
  options: SuiteOptions,
  only?: CloudName,
): { name: string; cloud: CloudName; scenario: Scenario }[] {
  const count = whole(options.countVariable, options.defaultCount);
  const first = whole("DOCSYNC_MODEL_SEED", 1);
  const clouds = Array.from({ length: count }, (_, i): CloudName => (i % 2 === 0 ? "kdocs" : "koodrive"));
  return clouds.flatMap((cloud, i) => {
    if (only !== undefined && cloud !== only) return [];
    const seed = first + i;
    const scenario = generateScenario({
      seed,
      cloud,
      mode: options.mode,
      features: parseFeatures(env.DOCSYNC_MODEL_FEATURES || "passing", "", options.mode, cloud),
      rounds: options.rounds,
      maxOpsPerRound: options.maxOpsPerRound,
    });
    return [{ name: `seed ${seed} on ${cloud}`, cloud, scenario }];
  });
}

/** Runs a scenario and throws its failure report (seed, problems, what happened, replay command). */
export async function expectConvergence(scenario: Scenario): Promise<void> {
  const result = await runScenario(scenario);
  if (!result.ok) throw new Error(formatFailure(result));
}

/**
 * The in-process suites of one cloud: its half of the scenarios each as `syncOnce` passes, and its
 * half of the watching ones.
 */
export function inProcessSuites(cloud: CloudName): void {
  const once = suiteScenarios(
    {
      mode: "once",
      countVariable: "DOCSYNC_MODEL_SCENARIOS",
      defaultCount: 300,
      rounds: 4,
      maxOpsPerRound: 5,
    },
    cloud,
  );
  const watching = suiteScenarios(
    {
      mode: "watch",
      countVariable: "DOCSYNC_MODEL_WATCH_SCENARIOS",
      defaultCount: 10,
      rounds: 3,
      maxOpsPerRound: 5,
    },
    cloud,
  );

  // Each scenario has its own local cloud, folder and home, and spends most of its time waiting on
  // them, so several run at once.
  describe.concurrent("model: upload-only pairs converge after every quiescent pass", () => {
    test.each(once)("$name", ({ scenario }) => expectConvergence(scenario));
  });

  // One at a time: operations land on a clock (0-300 ms apart) and the engine has 30 s to follow.
  describe("model: a watching engine brings the cloud to the folder within 30 s, without a rescan", () => {
    test.each(watching)("$name", ({ scenario }) => expectConvergence(scenario), 120_000);
  });
}
