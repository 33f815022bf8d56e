/** `npm run cli -- [--home DIR] COMMAND`: the command line over the same core as the apps. */
import { runCli } from "./cli/main.ts";
import { processOutput } from "./cli/output.ts";
import { keepFilesPrivate } from "./shell/home.ts";

keepFilesPrivate();

const stopper = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // A second signal means "now": the journal keeps everything resumable anyway.
    if (stopper.signal.aborted) process.exit(130);
    stopper.abort();
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  output: processOutput(),
  stop: stopper.signal,
});
