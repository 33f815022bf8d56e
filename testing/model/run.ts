/**
 * Runs a scenario against the real engine and the local cloud, checking every quiescent point.
 * The first quiescent point with a problem ends the run.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { setFaults, writesBetween } from "./cloud-control.ts";
import { applyToCloud } from "./cloud-steps.ts";
import { checkCloud, checkModel, IdentityBook, type Problem } from "./check.ts";
import { describeKill, openDriver, type Driver } from "./drivers.ts";
import { applies } from "./operations.ts";
import type { Scenario, ScenarioEvent } from "./scenario.ts";
import { applyToDisk, applyToModel, shellOf } from "./steps.ts";
import { LocalTree } from "./tree.ts";
import {
  readCloud,
  readLocal,
  REMOTE_PATH,
  setUpHome,
  startWorld,
  type CloudSnapshot,
  type World,
} from "./world.ts";

export interface RunResult {
  scenario: Scenario;
  ok: boolean;
  problems: Problem[];
  /** The event whose check found the problems. */
  failedAt?: number;
  /** What happened, event by event, as commands and pass results. */
  log: string[];
  /** Checks that passed. */
  checks: number;
  ms: number;
}

/** How long a watching engine gets to bring the cloud to the folder's state. */
export const CONVERGE_MS = 30_000;
/**
 * How long the cloud must keep the folder's state, with no write reaching it, to count as reached:
 * longer than the watcher's longest wait before a pass (4 × 60 ms), so a pass still to come on
 * changes already made has started writing. A cloud half way through a pass that works on a plan
 * made before the last changes can match the folder by chance (a swap of two names whose contents
 * the changes exchanged again); the engine is not done then.
 */
const SETTLED_MS = 300;
/** Time the clock moves before a quiescent pass after trouble (quarantine backoffs run out). */
const QUARANTINE_OVER_MS = 2 * 3600_000;

export async function runScenario(scenario: Scenario): Promise<RunResult> {
  const started = Date.now();
  const { options, events } = scenario;
  const log: string[] = [];
  const result: RunResult = { scenario, ok: true, problems: [], log, checks: 0, ms: 0 };
  const world = await startWorld(options.cloud);
  let driver: Driver | undefined;
  try {
    await drive();
  } catch (error) {
    result.ok = false;
    result.problems = [
      { check: "harness", detail: error instanceof Error ? (error.stack ?? error.message) : String(error) },
    ];
  } finally {
    await driver?.close().catch(() => {});
    await world.close();
    result.ms = Date.now() - started;
  }
  return result;

  async function drive(): Promise<void> {
    await setUpHome(world);
    driver = await openDriver(world, options.mode);
    const tree = new LocalTree();
    const identity = new IdentityBook();
    let trouble = false;
    const lastCheck = events.findLastIndex((e) => e.type === "check");
    for (const [index, event] of events.entries()) {
      const problems = await step(event, index === lastCheck);
      if (problems.length > 0) {
        result.ok = false;
        result.problems = problems;
        result.failedAt = index;
        break;
      }
    }

    async function step(event: ScenarioEvent, last: boolean): Promise<Problem[]> {
      const d = driver!;
      switch (event.type) {
        case "op": {
          if (!applies(tree, event.op.steps)) {
            log.push(`# skipped ${event.op.kind}: it no longer applies`);
            return [];
          }
          const inCloud = event.op.side === "cloud";
          log.push(`# ${event.op.kind}${inCloud ? ` (in the cloud folder ${REMOTE_PATH})` : ""}`);
          for (const s of event.op.steps) {
            applyToModel(tree, s);
            if (inCloud) await applyToCloud(world, s, tree);
            else applyToDisk(world.local, s);
            log.push(shellOf(s));
          }
          return [];
        }
        case "pause":
          await sleep(event.ms);
          return [];
        case "faults":
          await setFaults(world.sandbox, event.spec);
          log.push(event.spec ? `# faults on: ${JSON.stringify(event.spec)}` : "# faults off");
          trouble ||= event.spec !== null;
          return [];
        case "pass": {
          if (event.faults) await setFaults(world.sandbox, event.faults);
          const outcome = await d.pass(event.kill);
          if (event.faults) await setFaults(world.sandbox, null);
          const what = [
            event.faults ? `faults ${JSON.stringify(event.faults)}` : "",
            event.kill ? `SIGKILL ${describeKill(event.kill)}` : "",
          ].filter(Boolean);
          log.push(`docsync sync --once   # ${what.join(", ")}: ${outcome.line}`);
          trouble = true;
          return [];
        }
        case "restart": {
          log.push(`# restart: ${await d.restart(event.kill)}`);
          trouble = true;
          return [];
        }
        case "check": {
          const problems =
            options.mode === "watch" || options.mode === "watch-cli"
              ? await convergeCheck(d)
              : await quiescentCheck(d, last || options.mode !== "cli");
          trouble = false;
          if (problems.length === 0) result.checks += 1;
          return problems;
        }
      }
    }

    /**
     * A pass with faults off, the checks, then (`idle`) a pass that must send nothing; a process per
     * pass is slow, so the command line runs that last pass at the end only.
     */
    async function quiescentCheck(d: Driver, idle: boolean): Promise<Problem[]> {
      if (trouble) d.advanceClock(QUARANTINE_OVER_MS);
      const outcome = await d.pass();
      log.push(`docsync sync --once   # quiescent: ${outcome.line}`);
      const problems: Problem[] = [];
      if (!outcome.ok)
        problems.push({ check: "pass", detail: [outcome.line, ...outcome.failures].join("\n    ") });
      const cloud = await compare(problems);
      if (problems.length > 0) return problems;
      if (idle) {
        const before = world.sandbox.stats();
        const again = await d.pass();
        const writes = writesBetween(before, world.sandbox.stats());
        log.push(`docsync sync --once   # idle: ${again.line}`);
        if (Object.keys(writes).length > 0 || !again.ok)
          problems.push({ check: "not-idle", detail: `${again.line}; writes: ${JSON.stringify(writes)}` });
      }
      if (problems.length === 0) identity.learn(tree, cloud);
      return problems;
    }

    /** Watching: the cloud reaches the folder's state in time, by itself; then the checks. */
    async function convergeCheck(d: Driver): Promise<Problem[]> {
      await d.settle();
      const deadline = Date.now() + CONVERGE_MS;
      const waited = Date.now();
      let matched: { at: number; stats: ReturnType<typeof world.sandbox.stats> } | undefined;
      for (;;) {
        const stats = world.sandbox.stats();
        const local = readLocal(world.local);
        const cloud = await readCloud(world);
        if (checkCloud(local, cloud).length > 0 || !d.quiet()) matched = undefined;
        else if (matched && Object.keys(writesBetween(matched.stats, stats)).length > 0) matched = undefined;
        else if (matched && Date.now() - matched.at >= SETTLED_MS) break;
        else matched ??= { at: Date.now(), stats };
        if (Date.now() > deadline) break;
        if (!matched) await d.confirmDeletes();
        await sleep(matched ? 50 : 200);
      }
      log.push(`# watching: waited ${Date.now() - waited} ms for the cloud`);
      const problems: Problem[] = [];
      const cloud = await compare(problems);
      if (problems.some((p) => p.check !== "model"))
        problems.unshift({
          check: "converge",
          detail: `the cloud did not reach the folder's state within ${CONVERGE_MS / 1000} s`,
        });
      if (!d.alive()) problems.push({ check: "pass", detail: "the watching process died" });
      if (problems.length > 0) return problems;
      const before = world.sandbox.stats();
      if (options.mode === "watch") {
        const idle = await d.pass();
        log.push(`docsync sync --once   # idle: ${idle.line}`);
        if (!idle.ok) problems.push({ check: "not-idle", detail: idle.line });
      } else await sleep(1000);
      const writes = writesBetween(before, world.sandbox.stats());
      if (Object.keys(writes).length > 0)
        problems.push({
          check: "not-idle",
          detail: `writes after the cloud settled: ${JSON.stringify(writes)}`,
        });
      if (problems.length === 0) identity.learn(tree, cloud);
      return problems;
    }

    /** The folder against the model, the cloud against the folder, and the documents' tokens. */
    async function compare(problems: Problem[]): Promise<CloudSnapshot> {
      const local = readLocal(world.local);
      problems.push(...checkModel(tree, local));
      const cloud = await readCloud(world);
      problems.push(...checkCloud(local, cloud), ...identity.check(tree, cloud));
      return cloud;
    }
  }
}

export type { World };
