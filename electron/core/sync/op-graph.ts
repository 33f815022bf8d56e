/**
 * Runs a pass's operations as a dependency graph: an operation starts once everything it needs has
 * happened (a name freed, its folder created), independent operations overlap up to the lanes'
 * limit, and an operation that fails holds back only what depends on it, which waits and says why.
 * Operations may join while the graph runs (a pass streams its new files in pages).
 */
import { failureWords } from "../ipc-error.ts";
import { say, type Words } from "../words.ts";

/**
 * How many operations run at once. Kept to this one call so the limit can adapt (grow while the
 * service keeps up, shrink when it pushes back) without the graph knowing.
 */
export interface Lanes {
  run<T>(work: () => Promise<T>): Promise<T>;
}

export interface OpNode {
  /** The path the operation is about (what a failure names). */
  readonly path: string;
  readonly state: "waiting" | "running" | "done" | "failed";
}

export interface OpFailure {
  path: string;
  reason: Words;
  /** What the operation threw (none when it waits for another). */
  error?: unknown;
}

interface Node extends OpNode {
  state: OpNode["state"];
  missing: number;
  dependents: Node[];
  run: () => Promise<void>;
  ownLanes: boolean;
  reason?: Words;
}

export interface OpGraph {
  /**
   * Adds an operation that starts once every one of `after` is done. It runs in a lane, unless it
   * takes lanes itself for its calls (`ownLanes`: moves wait for a batch without holding a lane).
   */
  add(
    path: string,
    after: readonly OpNode[],
    run: () => Promise<void>,
    options?: { ownLanes?: boolean },
  ): OpNode;
  /** Operations added and not settled yet. */
  readonly open: number;
  /** Resolves once fewer than `count` operations are open (a streaming producer waits here). */
  below(count: number): Promise<void>;
  /** Resolves when every operation added so far has settled; rejects when the pass was stopped. */
  settled(): Promise<void>;
}

/** A reason that already names the operation everything below waits for. */
const waitsFor = (reason: Words | undefined): reason is Words =>
  typeof reason === "object" && reason.key === "core.reason.waitsFor";

export function createOpGraph(options: {
  lanes: Lanes;
  signal: AbortSignal;
  /** An operation failed, or will not run because one it needs failed (`waitsFor` names that one). */
  onFailure(failure: OpFailure & { waitsFor?: string }): void;
}): OpGraph {
  const { lanes, signal } = options;
  let open = 0;
  let stopped: unknown;
  const watchers = new Set<() => void>();
  const changed = (): void => {
    for (const watcher of [...watchers]) watcher();
  };

  const settle = (node: Node, state: "done" | "failed", reason?: Words): void => {
    node.state = state;
    if (reason !== undefined) node.reason = reason;
    open -= 1;
    for (const dependent of node.dependents) {
      if (state === "done") {
        dependent.missing -= 1;
        if (dependent.missing === 0 && dependent.state === "waiting") start(dependent);
      } else if (dependent.state === "waiting") block(dependent, node);
    }
    node.dependents = [];
    changed();
  };

  const block = (node: Node, cause: Node): void => {
    const root = waitsFor(cause.reason) ? cause.reason : say("core.reason.waitsFor", { path: cause.path });
    // A stopped pass leaves the rest for the next one: nothing failed.
    if (!signal.aborted) options.onFailure({ path: node.path, reason: root, waitsFor: cause.path });
    settle(node, "failed", root);
  };

  const start = (node: Node): void => {
    if (signal.aborted) return;
    node.state = "running";
    const work = async (): Promise<void> => {
      if (signal.aborted) throw signal.reason;
      await node.run();
    };
    (node.ownLanes ? work() : lanes.run(work)).then(
      () => settle(node, "done"),
      (error: unknown) => {
        if (signal.aborted) {
          stopped ??= signal.reason ?? error;
          settle(node, "failed");
          return;
        }
        const reason = failureWords(error);
        options.onFailure({ path: node.path, reason, error });
        settle(node, "failed", reason);
      },
    );
  };

  const onAbort = (): void => {
    stopped ??= signal.reason;
    changed();
  };
  signal.addEventListener("abort", onAbort, { once: true });

  const waitUntil = (done: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (stopped !== undefined) {
          watchers.delete(check);
          reject(stopped instanceof Error ? stopped : new Error(String(stopped)));
        } else if (done()) {
          watchers.delete(check);
          resolve();
        }
      };
      watchers.add(check);
      check();
    });

  return {
    add(path, after, run, addOptions = {}) {
      const node: Node = {
        path,
        state: "waiting",
        missing: 0,
        dependents: [],
        run,
        ownLanes: addOptions.ownLanes ?? false,
      };
      open += 1;
      const needs = new Set(after as Node[]);
      const failed = [...needs].find((dep) => dep.state === "failed");
      if (failed) {
        block(node, failed);
        return node;
      }
      for (const dep of needs) {
        if (dep.state === "done") continue;
        node.missing += 1;
        dep.dependents.push(node);
      }
      if (node.missing === 0) start(node);
      return node;
    },
    get open() {
      return open;
    },
    below: (count) => waitUntil(() => open < count),
    async settled() {
      try {
        // Nodes still waiting when nothing runs any more wait on each other: a cycle the plan missed.
        await waitUntil(() => open === 0);
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    },
  };
}
