/** A failed run as a person reads it: seed, problems, what was done, the diff, the replay command. */
import type { RunResult } from "./run.ts";
import { type Feature, type ScenarioOptions } from "./scenario.ts";
import { featuresFlag } from "./features.ts";

/** The one command that replays a seed (with every option that differs from the defaults). */
export function replayCommand(options: ScenarioOptions, defaults = { rounds: 8, maxOpsPerRound: 6 }): string {
  const parts = [`npm run fuzz -- --seed ${options.seed} --cloud ${options.cloud} --mode ${options.mode}`];
  const features = featuresFlag(options.features as Feature[], options.mode, options.cloud);
  if (features) parts.push(features);
  if (options.rounds !== defaults.rounds) parts.push(`--rounds ${options.rounds}`);
  if (options.maxOpsPerRound !== defaults.maxOpsPerRound) parts.push(`--ops ${options.maxOpsPerRound}`);
  return parts.join(" ");
}

export function formatFailure(result: RunResult, replay = replayCommand(result.scenario.options)): string {
  const { options } = result.scenario;
  const lines = [
    `model test failed: seed ${options.seed}, cloud ${options.cloud}, mode ${options.mode} (${result.checks} checks passed first)`,
    "problems (cloud against the local folder):",
    ...result.problems.map((p) => `  ${p.check}: ${p.detail}`),
    "what happened (commands in the pair's folder; `docsync` is `npm run cli -- --home HOME`):",
    ...result.log.map((l) => `  ${l}`),
    `replay: ${replay}`,
  ];
  return lines.join("\n");
}

/** The kind of failure, for telling failures apart: the check that failed first. */
export const failureClass = (result: RunResult): string => result.problems[0]?.check ?? "none";
