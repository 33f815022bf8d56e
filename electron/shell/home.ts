/** Where docsync keeps its settings, journal and local cloud: --home, else DOCSYNC_HOME, else ~/.docsync. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.DOCSYNC_HOME) return resolve(env.DOCSYNC_HOME);
  return join(homedir(), ".docsync");
}
