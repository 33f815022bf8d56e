export { createTaskRegistry, type TaskRegistryOptions } from "./registry.ts";
export {
  createTaskPoller,
  type TaskPoller,
  type TaskPollerOptions,
  type PollerStats,
  type WaitOptions,
} from "./poller.ts";
export type * from "./types.ts";
