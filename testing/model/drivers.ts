/**
 * How a scenario drives the engine: in this process through the core (`once`, `watch`) or through
 * the real command-line process (`cli`, `watch-cli`), which can be killed with SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { summaryLine } from "../../electron/cli/commands.ts";
import { createI18n } from "../../shared/i18n/index.ts";
import type { LocalCore } from "../../electron/core/create-core.ts";
import { writesOf } from "./cloud-control.ts";
import type { KillPoint, Mode } from "./scenario.ts";
import { openCore, type World } from "./world.ts";

/** The model reports in English, whatever the machine's language. */
const english = createI18n("en");

export interface PassOutcome {
  /** The pass ended and said the pair is in sync. */
  ok: boolean;
  /** One line for the log ("synced: 2 uploaded, …", "exit 1", "killed"). */
  line: string;
  /** What it reported as failed. */
  failures: string[];
  killed: boolean;
}

export interface Driver {
  readonly mode: Mode;
  /** One full pass; a kill point ends it there (command-line modes). */
  pass(kill?: KillPoint): Promise<PassOutcome>;
  /** Stops and starts the engine (watching modes: the watcher); a kill point makes it a SIGKILL. */
  restart(kill?: KillPoint): Promise<string>;
  /** Lets deletes held back by the mass-delete guard go (watching modes; a user's confirmation). */
  confirmDeletes(): Promise<void>;
  /** "Time passes" (quarantine backoffs run out), where the clock can be moved. */
  advanceClock(ms: number): void;
  /** Whether the watching engine is still alive (watching modes). */
  alive(): boolean;
  /**
   * Whether the engine has nothing it is doing or has noticed and not yet looked at, where this
   * process can see it (the watching engine in this process); elsewhere always true.
   */
  quiet(): boolean;
  /** Lets an armed kill fire and the watcher start again (watching command line). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const failureLines = (failures: { path: string; reason: string }[]): string[] =>
  failures.map((f) => `${f.path}: ${f.reason}`);

/** The engine in this process, as the apps run it. */
async function inProcess(world: World, watching: boolean): Promise<Driver> {
  let offset = 0;
  /** Failures of background work nobody awaited, shown with the next pass. */
  const background: string[] = [];
  const open = async (): Promise<LocalCore> => {
    const core = await openCore(world, {
      now: () => Date.now() + offset,
      onBackgroundError: (error) => background.push(String(error)),
    });
    if (watching) await core.engine.start();
    return core;
  };
  let core = await open();
  return {
    mode: watching ? "watch" : "once",
    async pass() {
      try {
        const summary = await core.engine.syncOnce(undefined, { allowMassDelete: true });
        const failures = [...failureLines(summary.failures), ...background.splice(0)];
        return { ok: summary.failed === 0, line: summaryLine(english, summary), failures, killed: false };
      } catch (error) {
        return { ok: false, line: `the pass threw: ${String(error)}`, failures: [], killed: false };
      }
    },
    async restart() {
      await core.close();
      core = await open();
      return "restarted the core";
    },
    async confirmDeletes() {
      for (const pair of core.engine.pairs())
        if (pair.pendingDeletes > 0) await core.engine.confirmDeletes(pair.id, true);
    },
    advanceClock(ms) {
      offset += ms;
    },
    alive: () => true,
    quiet: () =>
      core.engine.pairs().every((p) => p.state !== "scanning" && p.state !== "syncing" && p.toSend === 0),
    settle: async () => {},
    close: () => core.close(),
  };
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const node = fileURLToPath(new URL("../../node_modules/.bin/node", import.meta.url));

interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Node's compiled code kept between the many short command-line processes of a run. */
const compileCache = fileURLToPath(new URL("../../node_modules/.cache/model-compile-cache", import.meta.url));

function spawnCli(world: World, args: string[]): Child {
  const child = spawn(node, ["electron/cli.ts", "--home", world.home, ...args], {
    cwd: root,
    env: { ...process.env, DOCSYNC_HOME: "", NODE_COMPILE_CACHE: compileCache },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

const writeCount = (world: World): number =>
  Object.values(writesOf(world.sandbox.stats())).reduce((sum, n) => sum + n, 0);

/** Sends SIGKILL at the kill point, unless the process ended first; resolves with whether it was killed. */
function killAt(world: World, child: Child, point: KillPoint): Promise<boolean> {
  let killed = false;
  const kill = () => {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      killed = child.process.kill("SIGKILL");
    }
  };
  let timer: NodeJS.Timeout;
  if ("afterMs" in point) timer = setTimeout(kill, point.afterMs);
  else {
    const target = writeCount(world) + point.afterWrites;
    timer = setInterval(() => {
      if (writeCount(world) >= target) kill();
    }, 1);
  }
  return child.exited.then(() => {
    clearTimeout(timer);
    clearInterval(timer);
    return killed;
  });
}

const lastLine = (text: string): string => text.trimEnd().split("\n").at(-1) ?? "";

/** Each pass is `docsync sync --once` in a process of its own. */
function commandLine(world: World): Driver {
  return {
    mode: "cli",
    async pass(kill) {
      const child = spawnCli(world, ["sync", "--once", "--yes-delete"]);
      const killed = kill ? await killAt(world, child, kill) : false;
      const { code } = await child.exited;
      const failures = child
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("failed: "))
        .map((l) => l.slice("failed: ".length));
      const summary = lastLine(child.stdout());
      if (killed) return { ok: false, line: "killed with SIGKILL", failures, killed };
      const ok = code === 0 && summary.startsWith("synced:") && summary.endsWith(" 0 failed");
      const stderr = child.stderr().trim();
      const line = ok
        ? summary
        : `exit ${code}: ${summary}${stderr ? ` | ${stderr.split("\n").join(" | ")}` : ""}`;
      return { ok, line, failures, killed };
    },
    restart: async () => "each pass is a process of its own",
    confirmDeletes: async () => {},
    advanceClock: () => {},
    alive: () => true,
    quiet: () => true,
    settle: async () => {},
    close: async () => {},
  };
}

/**
 * `docsync watch` in a process of its own. A restart with a kill point arms a SIGKILL and returns at
 * once (operations keep landing); when it fires, the watcher is started again.
 */
async function watchingCommandLine(world: World): Promise<Driver> {
  const start = async (): Promise<Child> => {
    const child = spawnCli(world, ["watch"]);
    const deadline = Date.now() + 30_000;
    while (!/watching \d+ folders?/.test(child.stdout())) {
      if (child.process.exitCode !== null || Date.now() > deadline)
        throw new Error(`watch did not start: ${child.stderr() || child.stdout()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return child;
  };
  let child = await start();
  let armed: { fire(): void; done: Promise<void> } | undefined;
  const settle = async () => {
    armed?.fire();
    await armed?.done;
    armed = undefined;
  };
  const driver = commandLine(world);
  return {
    ...driver,
    mode: "watch-cli",
    async restart(kill) {
      await settle();
      const current = child;
      if (!kill) {
        current.process.kill("SIGTERM");
        const { code } = await current.exited;
        child = await start();
        return `watch stopped (exit ${code}) and started again`;
      }
      const killed = killAt(world, current, kill);
      armed = {
        fire: () => current.process.kill("SIGKILL"),
        done: killed.then(async () => {
          child = await start();
        }),
      };
      return `watch to be killed with SIGKILL ${describeKill(kill)}, then started again`;
    },
    async pass() {
      throw new Error("a pass of its own would be a second process on the watcher's home");
    },
    settle,
    alive: () => child.process.exitCode === null && child.process.signalCode === null,
    async close() {
      await settle().catch(() => {});
      child.process.kill("SIGTERM");
      await child.exited;
    },
  };
}

export function describeKill(kill: KillPoint): string {
  return "afterMs" in kill ? `after ${kill.afterMs} ms` : `after ${kill.afterWrites} writes reach the cloud`;
}

export async function openDriver(world: World, mode: Mode): Promise<Driver> {
  switch (mode) {
    case "once":
      return inProcess(world, false);
    case "watch":
      return inProcess(world, true);
    case "cli":
      return commandLine(world);
    case "watch-cli":
      return watchingCommandLine(world);
  }
}
