export {
  createScriptRunner,
  nextPollDelay,
  RESULT_LEVEL,
  type ScriptAccess,
  type ScriptClient,
  type ScriptRunInput,
  type ScriptRunner,
  type ScriptRunnerDeps,
  type TaskLogLine,
} from "./runner.ts";
