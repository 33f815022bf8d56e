/** The words a task's phase is said in: each kind's steps, and the wait for a service's unknown word. */
import { waitingWord } from "../cloud/provider.ts";
import { say, type Words } from "../words.ts";

const steps = [
  "uploading",
  "staging",
  "importing",
  "checking",
  "moving",
  "packing",
  "saving",
  "starting",
  "running",
] as const;
type Step = (typeof steps)[number];
const isStep = (phase: string): phase is Step => (steps as readonly string[]).includes(phase);

/** A phase as a phrase when it is one of the core's own words; anything else as it is. */
export function phaseWords(phase: Words): Words {
  if (typeof phase !== "string") return phase;
  if (isStep(phase)) return say(`phases.${phase}`);
  const word = waitingWord(phase);
  return word === undefined ? phase : say("phases.waiting", { word });
}
