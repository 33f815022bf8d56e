/** `npm run cli -- [--home DIR] COMMAND`: the command line over the same core as the apps. */
import { runCliProcess } from "./cli/main.ts";
import { processOutput } from "./cli/output.ts";
import { keepFilesPrivate } from "./shell/home.ts";
import { favourMemory } from "./shell/memory.ts";
import { installLastResort } from "./shell/last-resort.ts";
import { onStopSignals } from "./shell/stop-signals.ts";

favourMemory();
keepFilesPrivate();

const output = processOutput();
installLastResort({ report: output.err });
const stopper = new AbortController();
// A second signal means "now": the journal keeps everything resumable anyway.
onStopSignals({ stop: () => stopper.abort() });

process.exitCode = await runCliProcess(process.argv.slice(2), {
  env: process.env,
  output,
  stop: stopper.signal,
});
