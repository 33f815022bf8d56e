/**
 * `npm run serve -- [--home DIR] [--port N]`: the web shell. Prints one line, the address to open
 * (it carries the access token); everything else goes to stderr. Stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { ensureRendererBuilt } from "../scripts/build-renderer.ts";
import { keepFilesPrivate, resolveHome } from "./shell/home.ts";
import { startWebShell } from "./web/server.ts";

/** One line on stderr; 2 for a usage mistake, 1 for anything else. */
function fail(message: string, code = 2): never {
  console.error(`docsync: ${message}`);
  process.exit(code);
}

let values: { home?: string; port?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: { home: { type: "string" }, port: { type: "string" }, help: { type: "boolean", short: "h" } },
  }));
} catch (error) {
  fail(`${(error as Error).message}\nusage: npm run serve -- [--home DIR] [--port N]`);
}
if (values.help) {
  console.error("usage: npm run serve -- [--home DIR] [--port N]");
  process.exit(0);
}
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be a number from 0 to 65535, not "${values.port}"`);

try {
  await ensureRendererBuilt();
} catch (error) {
  console.error(
    `docsync: the interface could not be built (${(error as Error).message}); serving the API only.`,
  );
}

keepFilesPrivate();
let shell: Awaited<ReturnType<typeof startWebShell>>;
try {
  shell = await startWebShell({ home: resolveHome(values.home), port });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") fail(`port ${port} is in use; pick another with --port`);
  fail((error as Error).message.split("\n")[0]!, 1);
}
console.log(shell.url);

// Once the shell is closed nothing is left to wait for, and the process ends by itself.
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await shell.close();
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
