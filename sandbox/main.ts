/** `npm run sandbox`: the local cloud as a standalone process. */
import { parseCommandLine, USAGE } from "./cli-options.ts";
import { CONTROL_TOKEN_HEADER, startSandbox, type SandboxOptions } from "./server.ts";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let options: SandboxOptions;
try {
  options = parseCommandLine(args);
} catch (error) {
  process.stderr.write(`sandbox: ${(error as Error).message} (see --help)\n`);
  process.exit(2);
}

let sandbox;
try {
  sandbox = await startSandbox(options);
} catch (error) {
  process.stderr.write(`sandbox: cannot start: ${(error as Error).message}\n`);
  process.exit(1);
}

let koodriveToken: string;
try {
  koodriveToken = await sandbox.koodriveToken();
} catch (error) {
  await sandbox.close();
  process.stderr.write(`sandbox: cannot sign in to the local KooDrive: ${(error as Error).message}\n`);
  process.exit(1);
}

process.stdout.write(
  [
    `sandbox listening on ${sandbox.url}`,
    `control token (header ${CONTROL_TOKEN_HEADER}, for the /__sandbox/ routes): ${sandbox.controlToken}`,
    `kdocs app_id: ${sandbox.appId}`,
    `kdocs app_key: ${sandbox.appKey}`,
    `kdocs access_token (scripts): ${sandbox.scriptsAccessToken}`,
    `ost app_id: ${sandbox.ost.appId}`,
    `ost api_key: ${sandbox.ost.apiKey}`,
    `ost api_secret: ${sandbox.ost.apiSecret}`,
    `koodrive login (POST /__sandbox/koodrive/login): ${sandbox.koodriveUser.name} / ${sandbox.koodriveUser.password}`,
    `koodrive token (lapses after 20 minutes without a call): ${koodriveToken}`,
    `data: ${sandbox.dataDir}${options.dataDir === undefined ? " (removed on exit)" : ""}`,
    "",
  ].join("\n"),
);

const running = sandbox;
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  running.close().then(
    () => {
      process.stdout.write(`sandbox stopped (${signal})\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`sandbox: error while stopping: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
