/**
 * A scenario: from a seed, rounds of random operations on the local folder, each round ending in a
 * checked quiescent point, with faulty passes, restarts and kills (by mode) in between. The events
 * are plain data: printed in a report, shrunk by the minimiser, replayed from JSON.
 */
import type { FaultSpec } from "../../sandbox/server.ts";
import { namePools } from "./names.ts";
import { applies, drawOp, OP_KINDS, type Op, type OpKind } from "./operations.ts";
import { Rng } from "./prng.ts";
import { RoundRules } from "./round-rules.ts";
import { applyToModel } from "./steps.ts";
import { LocalTree } from "./tree.ts";
import type { CloudName } from "./world.ts";

/**
 * - `once`: the engine in this process, one `syncOnce` per pass, restarts of the core;
 * - `cli`: every pass is the real command line (`sync --once`), some killed with SIGKILL;
 * - `watch`: the engine watching in this process (`engine.start()`), operations landing 0–300 ms
 *   apart, the core closed and opened again mid-round;
 * - `watch-cli`: the real `watch` process, killed with SIGKILL mid-round and started again.
 */
export type Mode = "once" | "cli" | "watch" | "watch-cli";
export const MODES: readonly Mode[] = ["once", "cli", "watch", "watch-cli"];

/** Parts of a scenario beyond the operation kinds, each of which can be switched off. */
export const EXTRA_FEATURES = [
  /** Passes with injected faults (`errors` at 5 or 10 %, `drops`) before the quiescent one. */
  "faults",
  /** Faults at 20 and 30 % errors, where a call fails even after the client's retries. */
  "heavy-faults",
  /** The core closed and opened again (in-process modes). */
  "restart",
  /** SIGKILL of the command-line process at a random point (command-line modes). */
  "kill",
  /** Changes inside a folder that is renamed or moved in the same round (before or after it). */
  "change-in-moved-folder",
  /** A document both edited and moved or renamed in the same round. */
  "edit-and-move",
  /**
   * A name freed in a round taken again in the same round: by a new file or folder where a document
   * moved away, or by a moved document where one moved away or was deleted.
   */
  "reuse-moved-name",
  /** Emoji (characters outside the Basic Multilingual Plane) in folder names. */
  "emoji-folder-names",
] as const;
export type ExtraFeature = (typeof EXTRA_FEATURES)[number];
export type Feature = OpKind | ExtraFeature;
export const ALL_FEATURES: readonly Feature[] = [...OP_KINDS, ...EXTRA_FEATURES];

/** Where a killed process dies: after the cloud received N more writes, or after a time. */
export type KillPoint = { afterWrites: number } | { afterMs: number };

export type ScenarioEvent =
  | { type: "op"; op: Op }
  /** Watching: the time before the next operation lands. */
  | { type: "pause"; ms: number }
  /** A pass that need not succeed: with faults on, or killed. */
  | { type: "pass"; faults?: FaultSpec; kill?: KillPoint }
  /** Watching: faults on (a spec) or off (null) while operations land. */
  | { type: "faults"; spec: FaultSpec | null }
  /** The core (or the watching process) stops and starts again; a kill point makes it a SIGKILL. */
  | { type: "restart"; kill?: KillPoint }
  /** A quiescent point: a pass with faults off (watching: the cloud settles), then every check. */
  | { type: "check" };

export interface ScenarioOptions {
  seed: number;
  cloud: CloudName;
  mode: Mode;
  /** Rounds after the first one that fills the folder. */
  rounds: number;
  maxOpsPerRound: number;
  /** Operation kinds and extra features in use; everything else is left out. */
  features: readonly Feature[];
}

export interface Scenario {
  options: ScenarioOptions;
  events: ScenarioEvent[];
}

function drawFaults(rng: Rng, heavy: boolean): FaultSpec {
  const kind = rng.weighted({ errors: 2, drops: 2, both: 1 } as const);
  const spec: FaultSpec = {};
  if (kind !== "drops") spec.errorRate = rng.pick(heavy ? [0.05, 0.1, 0.2, 0.3] : [0.05, 0.1]);
  if (kind !== "errors") spec.dropRate = rng.pick([0.02, 0.05, 0.1]);
  return spec;
}

function drawKill(rng: Rng, mode: Mode): KillPoint {
  if (rng.chance(0.6)) return { afterWrites: rng.int(1, 6) };
  // A command-line process needs most of a second to start.
  return { afterMs: mode === "once" || mode === "watch" ? rng.int(0, 300) : rng.int(500, 2000) };
}

/** How many files an operation deletes (a file moved over another deletes that one). */
function deletedFiles(tree: LocalTree, op: Op): number {
  const before = new Set(tree.files().map(([, f]) => f.id));
  const after = tree.clone();
  for (const step of op.steps) applyToModel(after, step);
  for (const [, f] of after.files()) before.delete(f.id);
  return before.size;
}

/** The scenario a seed stands for. */
export function generateScenario(options: ScenarioOptions): Scenario {
  const rng = new Rng(options.seed);
  const features = new Set(options.features);
  const kinds = OP_KINDS.filter((k) => features.has(k));
  const watching = options.mode === "watch" || options.mode === "watch-cli";
  const viaCli = options.mode === "cli" || options.mode === "watch-cli";
  const tree = new LocalTree();
  const events: ScenarioEvent[] = [];
  const names = namePools(features.has("emoji-folder-names"));

  const fillKinds = kinds.filter((k) => k === "create" || k === "create-empty" || k === "folder-create");
  for (let round = 0; round <= options.rounds; round++) {
    const rules = new RoundRules(features, tree);
    const count = round === 0 ? rng.int(4, 12) : rng.int(1, options.maxOpsPerRound);
    const roundKinds = round === 0 && fillKinds.length > 0 ? fillKinds : kinds;
    const faulty = features.has("faults") && rng.chance(0.3);
    const heavy = features.has("heavy-faults");
    // What happens in the round besides operations, each before the operation of its index (or after
    // the last one): passes with faults or killed, and restarts, mid-round or at its end.
    const interruptions: { at: number; event: ScenarioEvent }[] = [];
    const somewhere = () => (round > 0 && rng.chance(0.5) ? rng.int(1, count) : count);
    if (watching) {
      if (faulty) events.push({ type: "faults", spec: drawFaults(rng, heavy) });
      if ((viaCli ? features.has("kill") : features.has("restart")) && rng.chance(0.3)) {
        const kill = viaCli ? { kill: drawKill(rng, options.mode) } : {};
        interruptions.push({ at: rng.int(0, count), event: { type: "restart", ...kill } });
      }
    } else {
      const killing = viaCli && features.has("kill");
      if (faulty) {
        const kill = killing && rng.chance(0.4) ? { kill: drawKill(rng, options.mode) } : {};
        interruptions.push({
          at: somewhere(),
          event: { type: "pass", faults: drawFaults(rng, heavy), ...kill },
        });
      }
      // Every command-line scenario with kills has one at least: by its last round, one is drawn.
      const unkilled = !events.some((e) => e.type === "pass" && e.kill);
      if (killing && (rng.chance(0.4) || (round === options.rounds && unkilled)))
        interruptions.push({ at: somewhere(), event: { type: "pass", kill: drawKill(rng, options.mode) } });
      if (!viaCli && features.has("restart") && rng.chance(0.2))
        interruptions.push({ at: somewhere(), event: { type: "restart" } });
    }
    // The mass-delete guard waits for a confirmation that a watching command line cannot give.
    let deletes = 0;
    const guarded = options.mode === "watch-cli";
    const accept = (candidate: Op) =>
      rules.allows(tree, candidate) && (!guarded || deletes + deletedFiles(tree, candidate) <= 5);
    const interrupt = (at: number) => {
      for (const i of interruptions) if (i.at === at) events.push(i.event);
    };
    for (let i = 0; i < count; i++) {
      interrupt(i);
      const op = drawOp(rng, tree, roundKinds, names, accept);
      if (!op) continue;
      deletes += deletedFiles(tree, op);
      if (watching) events.push({ type: "pause", ms: rng.int(0, 300) });
      rules.remember(tree, op);
      for (const step of op.steps) applyToModel(tree, step);
      events.push({ type: "op", op });
    }
    interrupt(count);
    if (watching && faulty) events.push({ type: "faults", spec: null });
    events.push({ type: "check" });
  }
  return { options, events };
}

/**
 * Whether a list of events keeps to the features (the minimiser drops events, and merging two
 * rounds must not bring in a composition that is switched off). Operations that no longer apply
 * are skipped, as a run skips them.
 */
export function respectsFeatures(events: readonly ScenarioEvent[], features: readonly Feature[]): boolean {
  const set = new Set(features);
  const tree = new LocalTree();
  let rules = new RoundRules(set, tree);
  for (const event of events) {
    if (event.type === "check") rules = new RoundRules(set, tree);
    if (event.type !== "op" || !applies(tree, event.op.steps)) continue;
    if (!set.has(event.op.kind) || !rules.allows(tree, event.op)) return false;
    rules.remember(tree, event.op);
    for (const step of event.op.steps) applyToModel(tree, step);
  }
  return true;
}
