/**
 * Shrinks a failing scenario to a short repro: delta debugging (ddmin) over its events, keeping a
 * quiescent check at the end, until no single event can go and the run still fails the same way.
 */
import type { OpKind } from "./operations.ts";
import { failureClass } from "./report.ts";
import { runScenario, type RunResult } from "./run.ts";
import { respectsFeatures, type Scenario, type ScenarioEvent } from "./scenario.ts";

export interface MinimiseOptions {
  /** Stop after this many runs and keep the smallest failing scenario so far (default 400). */
  maxRuns?: number;
  /** A run whose failure is not reproduced is tried this many times in all (timing, faults). */
  tries?: number;
  onProgress?: (line: string) => void;
  /** Runs a candidate (default: against the real engine). */
  run?: (scenario: Scenario) => Promise<RunResult>;
}

const ROTATIONS = new Set<OpKind>(["swap", "cycle", "folder-swap"]);

function splitInto<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  const size = Math.ceil(items.length / parts);
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

export async function minimise(failed: RunResult, options: MinimiseOptions = {}): Promise<RunResult> {
  const wanted = failureClass(failed);
  const maxRuns = options.maxRuns ?? 400;
  const tries = options.tries ?? 1;
  const { options: scenarioOptions } = failed.scenario;
  const upTo = failed.scenario.events.slice(0, (failed.failedAt ?? failed.scenario.events.length - 1) + 1);
  // The final check stays; everything before it may go.
  let events: ScenarioEvent[] = upTo.at(-1)?.type === "check" ? upTo.slice(0, -1) : upTo;
  let smallest = failed;
  let runs = 0;

  const test = async (candidate: ScenarioEvent[]): Promise<boolean> => {
    // Merged rounds must not combine what the scenario's features leave out.
    if (!respectsFeatures(candidate, scenarioOptions.features)) return false;
    for (let attempt = 0; attempt < tries && runs < maxRuns; attempt++) {
      runs += 1;
      const scenario: Scenario = { options: scenarioOptions, events: [...candidate, { type: "check" }] };
      const result = await (options.run ?? runScenario)(scenario);
      if (!result.ok && failureClass(result) === wanted) {
        smallest = result;
        return true;
      }
    }
    return false;
  };

  /** ddmin: the smallest list whose run still fails, from chunks down to single events. */
  const shrink = async (items: ScenarioEvent[]): Promise<ScenarioEvent[]> => {
    let parts = 2;
    while (items.length >= 1 && runs < maxRuns) {
      const chunks = splitInto(items, Math.min(parts, items.length));
      let reduced = false;
      for (const [i, chunk] of chunks.entries()) {
        if (chunks.length > 1 && (await test(chunk))) {
          items = chunk;
          parts = 2;
          reduced = true;
          break;
        }
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (await test(complement)) {
          items = complement;
          parts = Math.max(parts - 1, 2);
          reduced = true;
          break;
        }
      }
      options.onProgress?.(`minimise: ${items.length} events left after ${runs} runs`);
      if (reduced) continue;
      if (parts >= items.length) break;
      parts = Math.min(items.length, parts * 2);
    }
    return items;
  };

  events = await shrink(events);
  // Then the single commands of what is left (a file turned into a folder may need only the new
  // folder); a rotation stays whole, since one of its moves alone is another kind of operation.
  const single = events.flatMap((e): ScenarioEvent[] =>
    e.type === "op" && e.op.steps.length > 1 && !ROTATIONS.has(e.op.kind)
      ? e.op.steps.map((s) => ({ type: "op", op: { kind: e.op.kind, steps: [s] } }))
      : [e],
  );
  if (single.length > events.length) await shrink(single);
  return smallest;
}
