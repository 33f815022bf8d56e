/**
 * Which parts of the model the default test run uses. Every operation kind and feature is on
 * unless listed here: these are the ones today's engine fails, each with the issue case it hits
 * (some only in one mode or on one cloud). Remove an entry once the engine handles it.
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

export const KNOWN_FAILING: Partial<Record<Feature, KnownFailure>> = {
  swap: { reason: "#18 case 1: both files are uploaded again as new versions; the tokens follow the paths" },
  cycle: { reason: "#18 case 1: as a swap, for three or four files" },
  "change-in-moved-folder": {
    reason: "#18 case 2: a change inside a folder renamed or moved in the same pass is not sent",
  },
  "file-to-folder": { reason: "#18 case 3: the cloud file is not a folder; the pair is stuck" },
  "folder-to-file": { reason: "#18 case 4: the name is taken in the cloud; the file is quarantined" },
  kill: { reason: "#18 case 5: a kill -9 after the service stored an upload, before the journal did" },
  "move-rename-into-old-name": {
    reason: "#18 case 6: the move is sent before the rename and the old name is taken there",
  },
  "create-empty": { reason: "#21 case 2: two empty files are taken for a move (on both clouds)" },
  "edit-and-move": {
    reason: "new: a document edited and moved in one pass is uploaded as a new file; its token is lost",
  },
  "replace-by-move": { reason: "new: a file moved over another takes the other's token and loses its own" },
  "reuse-moved-name": {
    reason:
      "new: a name freed by a move and taken again in one pass keeps the token; the moved document loses it",
  },
  "emoji-folder-names": {
    reason:
      "new: a moved folder with an emoji in its path leaves wrong paths in the journal; the next pass renames again",
  },
};

/** Known failures of one mode or cloud only. */
export const KNOWN_FAILING_THERE: Partial<Record<Feature, KnownFailure>> = {
  "heavy-faults": {
    reason:
      '#21 case 1: an upload whose confirmation failed through every retry never finishes ("the file keeps changing")',
    clouds: ["koodrive"],
  },
  move: {
    reason: "#10: `sync --once` exits 13 while it polls KooDrive's move job",
    modes: ["cli"],
    clouds: ["koodrive"],
  },
  "move-rename": {
    reason: "#10: `sync --once` exits 13 while it polls KooDrive's move job",
    modes: ["cli"],
    clouds: ["koodrive"],
  },
  "folder-move": {
    reason: "#10: `sync --once` exits 13 while it polls KooDrive's move job",
    modes: ["cli"],
    clouds: ["koodrive"],
  },
};

const applies = (known: KnownFailure | undefined, mode: Mode, cloud: CloudName): boolean =>
  known !== undefined && (known.modes?.includes(mode) ?? true) && (known.clouds?.includes(cloud) ?? true);

/** The features today's engine handles in this mode on this cloud. */
export function passingFeatures(mode: Mode, cloud: CloudName): Feature[] {
  return ALL_FEATURES.filter(
    (f) => !applies(KNOWN_FAILING[f], mode, cloud) && !applies(KNOWN_FAILING_THERE[f], mode, cloud),
  );
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
