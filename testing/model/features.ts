/**
 * Which parts of the model the default test run uses. Every operation kind and feature is on
 * unless listed here, with the issue it hits (in one mode or on one cloud where given): a failure
 * found in the engine that cannot be fixed at once is listed here, and the entry goes with its fix.
 */
import { ALL_FEATURES, type Feature, type Mode } from "./scenario.ts";
import type { CloudName } from "./world.ts";

export interface KnownFailure {
  /** The issue case it hits, and what goes wrong. */
  reason: string;
  /** Only in these modes, or on these clouds (everywhere when absent). */
  modes?: readonly Mode[];
  clouds?: readonly CloudName[];
}

export const KNOWN_FAILING: Partial<Record<Feature, KnownFailure>> = {};

const applies = (known: KnownFailure | undefined, mode: Mode, cloud: CloudName): boolean =>
  known !== undefined && (known.modes?.includes(mode) ?? true) && (known.clouds?.includes(cloud) ?? true);

/** The features today's engine handles in this mode on this cloud. */
export function passingFeatures(mode: Mode, cloud: CloudName): Feature[] {
  return ALL_FEATURES.filter((f) => !applies(KNOWN_FAILING[f], mode, cloud));
}

/**
 * A comma-separated list of features, where `all` and `passing` stand for those sets
 * (`passing,swap` is the default set and swaps); `without` takes some away.
 */
export function parseFeatures(text: string, without: string, mode: Mode, cloud: CloudName): Feature[] {
  const list = (value: string): readonly Feature[] =>
    value
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean)
      .flatMap((p) => {
        if (p === "all") return ALL_FEATURES;
        if (p === "passing") return passingFeatures(mode, cloud);
        if (!ALL_FEATURES.includes(p as Feature))
          throw new Error(`unknown feature "${p}" (known: ${ALL_FEATURES.join(", ")})`);
        return [p as Feature];
      });
  const chosen = new Set(list(text));
  const off = new Set(list(without));
  return ALL_FEATURES.filter((f) => chosen.has(f) && !off.has(f));
}

/** The fuzz flags that select this set of features ("" for all of them). */
export function featuresFlag(features: readonly Feature[], mode: Mode, cloud: CloudName): string {
  const set = new Set(features);
  if (ALL_FEATURES.every((f) => set.has(f))) return "";
  const passing = passingFeatures(mode, cloud);
  if (passing.every((f) => set.has(f))) {
    const extra = ALL_FEATURES.filter((f) => set.has(f) && !passing.includes(f));
    return `--features ${["passing", ...extra].join(",")}`;
  }
  const off = ALL_FEATURES.filter((f) => !set.has(f));
  return off.length < set.size ? `--without ${off.join(",")}` : `--features ${features.join(",")}`;
}
