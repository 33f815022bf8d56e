export { createTaskRegistry, cancelledBy, type TaskRegistryOptions } from "./registry.ts";
export {
  createTaskPoller,
  type TaskPoller,
  type TaskPollerOptions,
  type PollerStats,
  type WaitOptions,
} from "./poller.ts";
export { createJobRunner, type Job, type JobKind, type JobRunner, type JobType } from "./runner.ts";
export { failureText, plural } from "./words.ts";
export type * from "./types.ts";
