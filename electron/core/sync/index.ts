/** The sync engine and the pieces the core assembles it from. */
export { createSyncEngine, massDelete } from "./engine.ts";
export { chokidarWatcher, defaultWatcher } from "./watcher.ts";
export { builtInJunk, ignoreFileName } from "./ignore-rules.ts";
export type * from "./types.ts";
export { openJournal, type Journal } from "../journal/index.ts";
export { createTaskRegistry, createTaskPoller, type TaskPoller } from "../tasks/index.ts";
