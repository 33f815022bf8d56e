/**
 * `npm run fuzz -- [--seed S | --seconds N] [--cloud kdocs|koodrive] [--mode once|cli|watch|watch-cli]
 *  [--features all|passing|LIST] [--without LIST] [--rounds R] [--ops M] [--minimise] [--first] [--save FILE] [--replay FILE]`
 *
 * Runs seeded model scenarios against the real engine and the local cloud. With `--seed` it runs that
 * one scenario (a replay); with `--seconds` it runs fresh seeds until the time is up, alternating the
 * clouds unless one is named. A failure prints its seed, the problems, what happened and the
 * command that replays it; `--first` stops at the first failure, `--minimise` shrinks a failure to a
 * short repro (a seed's, or the first one's); `--save` writes the
 * (shrunk) scenario as JSON, which `--replay` runs again as it is.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseFeatures } from "./features.ts";
import { minimise } from "./minimise.ts";
import { freshSeed } from "./prng.ts";
import { failureClass, formatFailure, replayCommand } from "./report.ts";
import { runScenario, type RunResult } from "./run.ts";
import {
  generateScenario,
  MODES,
  type Feature,
  type Mode,
  type Scenario,
  type ScenarioOptions,
} from "./scenario.ts";
import type { CloudName } from "./world.ts";

const USAGE =
  "usage: npm run fuzz -- [--seed S | --seconds N] [--cloud kdocs|koodrive] [--mode once|cli|watch|watch-cli] [--features all|passing|LIST] [--without LIST] [--rounds R] [--ops M] [--minimise] [--first] [--save FILE] [--replay FILE]";

function fail(message: string): never {
  console.error(`fuzz: ${message}\n${USAGE}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        seed: { type: "string" },
        seconds: { type: "string" },
        cloud: { type: "string" },
        mode: { type: "string" },
        features: { type: "string" },
        without: { type: "string" },
        rounds: { type: "string" },
        ops: { type: "string" },
        minimise: { type: "boolean" },
        first: { type: "boolean" },
        save: { type: "string" },
        replay: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
  } catch (error) {
    fail((error as Error).message.split("\n")[0]!);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const number = (text: string | undefined, name: string, fallback: number): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} takes a whole number, not "${text}"`);
  return n;
};
const cloud = values.cloud as CloudName | undefined;
if (cloud !== undefined && cloud !== "kdocs" && cloud !== "koodrive")
  fail(`--cloud is kdocs or koodrive, not "${cloud}"`);
const mode = (values.mode ?? "once") as Mode;
if (!MODES.includes(mode)) fail(`--mode is one of ${MODES.join(", ")}, not "${mode}"`);
/** The features for a scenario on this cloud (`passing` differs between clouds). */
function featuresFor(cloudName: CloudName): Feature[] {
  try {
    return parseFeatures(values.features ?? "all", values.without ?? "", mode, cloudName);
  } catch (error) {
    fail((error as Error).message);
  }
}
featuresFor("kdocs");
const base = {
  mode,
  rounds: number(values.rounds, "rounds", 8),
  maxOpsPerRound: number(values.ops, "ops", 6),
};

async function report(result: RunResult): Promise<RunResult> {
  console.log(formatFailure(result));
  if (!values.minimise) return result;
  console.log("\nshrinking it…");
  const small = await minimise(result, { onProgress: (line) => process.stderr.write(`${line}\n`) });
  console.log(`\nshrunk to ${small.scenario.events.length} events:`);
  console.log(formatFailure(small, `${replayCommand(small.scenario.options)} (the full scenario)`));
  return small;
}

function save(result: RunResult): void {
  if (!values.save) return;
  writeFileSync(values.save, JSON.stringify(result.scenario, null, 2) + "\n");
  console.log(
    `saved the scenario to ${values.save}; replay it with: npm run fuzz -- --replay ${values.save}`,
  );
}

if (values.replay) {
  const scenario = JSON.parse(readFileSync(values.replay, "utf8")) as Scenario;
  const result = await runScenario(scenario);
  if (result.ok) console.log(`passed: ${result.checks} checks in ${result.ms} ms`);
  else save(await report(result));
  process.exit(result.ok ? 0 : 1);
}

if (values.seed !== undefined) {
  const options: ScenarioOptions = {
    ...base,
    seed: number(values.seed, "seed", 0),
    cloud: cloud ?? "kdocs",
    features: featuresFor(cloud ?? "kdocs"),
  };
  const result = await runScenario(generateScenario(options));
  if (result.ok) console.log(`seed ${options.seed} passed: ${result.checks} checks in ${result.ms} ms`);
  else save(await report(result));
  process.exit(result.ok ? 0 : 1);
}

const seconds = number(values.seconds, "seconds", 60);
const until = Date.now() + seconds * 1000;
const tally = new Map<string, number[]>();
let runs = 0;
let failed = 0;
while (Date.now() < until) {
  const cloudName = cloud ?? (runs % 2 === 0 ? "kdocs" : "koodrive");
  const options: ScenarioOptions = {
    ...base,
    seed: freshSeed(),
    cloud: cloudName,
    features: featuresFor(cloudName),
  };
  const result = await runScenario(generateScenario(options));
  runs += 1;
  if (result.ok) {
    console.log(`seed ${options.seed} (${options.cloud}) passed: ${result.checks} checks in ${result.ms} ms`);
    continue;
  }
  failed += 1;
  const key = `${options.cloud} ${failureClass(result)}`;
  tally.set(key, [...(tally.get(key) ?? []), options.seed]);
  if (values.first) {
    save(await report(result));
    break;
  }
  console.log(`\n${formatFailure(result)}\n`);
}
console.log(`\n${runs} scenarios in ${seconds} s, ${failed} failed`);
for (const [key, seeds] of tally)
  console.log(`  ${key}: ${seeds.length} (seeds ${seeds.slice(0, 5).join(", ")})`);
process.exit(failed > 0 ? 1 : 0);
