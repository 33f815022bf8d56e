/** The model test's own parts: scenarios replay from their seed, the checks see what is wrong, the minimiser shrinks. */
import { describe, expect, it } from "vitest";
import { applyToCloud } from "./cloud-steps.ts";
import { checkCloud, IdentityBook } from "./check.ts";
import { minimise } from "./minimise.ts";
import { applies } from "./operations.ts";
import type { RunResult } from "./run.ts";
import { ALL_FEATURES, generateScenario, respectsFeatures, type Scenario } from "./scenario.ts";
import { applyToModel, type Step } from "./steps.ts";
import { LocalTree } from "./tree.ts";
import { readCloud, REMOTE_PATH, startWorld, type CloudSnapshot, type LocalEntry } from "./world.ts";

const options = {
  seed: 42,
  cloud: "kdocs" as const,
  mode: "once" as const,
  rounds: 6,
  maxOpsPerRound: 6,
  features: ALL_FEATURES,
};

const file = (content: string, md5: string): LocalEntry => ({
  kind: "file",
  size: content.length,
  md5,
  sha256: "",
  content,
});
const cloudFile = (id: string, md5: string, size: number, version = 1) => ({
  id,
  name: id,
  kind: "file" as const,
  parentId: "p",
  size,
  md5,
  version,
  mtime: 0,
});

describe("model scenarios", () => {
  it("are the same for the same seed and differ between seeds", () => {
    expect(generateScenario(options)).toEqual(generateScenario(options));
    expect(generateScenario({ ...options, seed: 43 }).events).not.toEqual(generateScenario(options).events);
  });

  it("hold only operations that apply, of the features asked for, in rounds that end in a check", () => {
    const features = ALL_FEATURES.filter((f) => f !== "swap" && f !== "change-in-moved-folder");
    for (let seed = 1; seed <= 30; seed++) {
      const { events } = generateScenario({ ...options, seed, features });
      expect(events.at(-1)).toEqual({ type: "check" });
      expect(respectsFeatures(events, features)).toBe(true);
      const tree = new LocalTree();
      for (const event of events) {
        if (event.type !== "op") continue;
        expect(features).toContain(event.op.kind);
        expect(applies(tree, event.op.steps)).toBe(true);
        for (const step of event.op.steps) applyToModel(tree, step);
      }
    }
  });

  it("through the command line kill the process at least once each", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { events } = generateScenario({ ...options, seed, mode: "cli", rounds: 1, maxOpsPerRound: 6 });
      expect(events.some((e) => e.type === "pass" && e.kill !== undefined)).toBe(true);
    }
  });

  it("notice a swap that the feature list leaves out", () => {
    const swap: Scenario["events"] = [
      { type: "op", op: { kind: "create", steps: [{ do: "write", path: "a", content: "1" }] } },
      { type: "op", op: { kind: "create", steps: [{ do: "write", path: "b", content: "2" }] } },
      { type: "check" },
      { type: "op", op: { kind: "rename", steps: [{ do: "mv", from: "a", to: "t" }] } },
      { type: "op", op: { kind: "rename", steps: [{ do: "mv", from: "b", to: "a" }] } },
      { type: "check" },
    ];
    expect(respectsFeatures(swap, ALL_FEATURES)).toBe(true);
    expect(
      respectsFeatures(
        swap,
        ALL_FEATURES.filter((f) => f !== "reuse-moved-name"),
      ),
    ).toBe(false);
  });
});

describe("model checks", () => {
  it("name every difference between the folder and the cloud", () => {
    const local = new Map([
      ["same.txt", file("x", "m1")],
      ["changed.txt", file("new", "m2")],
      ["missing.txt", file("y", "m3")],
    ]);
    const cloud: CloudSnapshot = {
      entries: new Map([
        ["same.txt", cloudFile("t1", "m1", 1)],
        ["changed.txt", cloudFile("t2", "old", 3)],
        ["extra.txt", cloudFile("t3", "m4", 1)],
      ]),
      duplicates: ["same.txt"],
    };
    expect(checkCloud(local, cloud).map((p) => `${p.check} ${p.detail.split(":")[0]}`)).toEqual([
      "duplicate-name same.txt",
      "content changed.txt",
      "missing-in-cloud missing.txt",
      "extra-in-cloud extra.txt",
    ]);
  });

  it("hold a document to the token it had and count its versions", () => {
    const tree = new LocalTree();
    tree.write("a.txt", "one");
    const book = new IdentityBook();
    const snapshot = (id: string, version: number): CloudSnapshot => ({
      entries: new Map([["b.txt", cloudFile(id, "m", 3, version)]]),
      duplicates: [],
    });
    book.learn(tree, { entries: new Map([["a.txt", cloudFile("t1", "m", 3)]]), duplicates: [] });
    tree.move("a.txt", "b.txt");
    expect(book.check(tree, snapshot("t1", 1))).toEqual([]);
    expect(book.check(tree, snapshot("t2", 1)).map((p) => p.check)).toEqual(["identity"]);
    expect(book.check(tree, snapshot("t1", 2)).map((p) => p.check)).toEqual(["uploaded-twice"]);
    tree.write("b.txt", "two");
    expect(book.check(tree, snapshot("t1", 2))).toEqual([]);
  });

  it("let a document moved and saved through a new file in one round take a new token", () => {
    const tree = new LocalTree();
    tree.write("a.txt", "one");
    const book = new IdentityBook();
    book.learn(tree, { entries: new Map([["a.txt", cloudFile("t1", "m", 3)]]), duplicates: [] });
    const moved = { entries: new Map([["b.txt", cloudFile("t2", "m2", 3)]]), duplicates: [] };
    tree.move("a.txt", "b.txt");
    expect(book.check(tree, moved).map((p) => p.check)).toEqual(["identity"]);
    applyToModel(tree, { do: "save", path: "b.txt", content: "two" });
    expect(book.check(tree, moved)).toEqual([]);
    // From then on it is held to its new token.
    book.learn(tree, moved);
    tree.move("b.txt", "c.txt");
    const lost = { entries: new Map([["c.txt", cloudFile("t3", "m2", 3)]]), duplicates: [] };
    expect(book.check(tree, lost).map((p) => p.check)).toEqual(["identity"]);
  });
});

describe("the minimiser", () => {
  it("shrinks a failing scenario to the events the failure needs", async () => {
    const scenario = generateScenario({ ...options, seed: 7 });
    const ops = scenario.events.filter((e) => e.type === "op");
    const [needA, needB] = [ops[2]!, ops[ops.length - 3]!];
    // A stand-in for the engine: the run fails whenever both operations are in the scenario.
    const run = async (candidate: Scenario): Promise<RunResult> => {
      const fails = candidate.events.includes(needA) && candidate.events.includes(needB);
      return {
        scenario: candidate,
        ok: !fails,
        problems: fails ? [{ check: "identity", detail: "stand-in" }] : [],
        ...(fails ? { failedAt: candidate.events.length - 1 } : {}),
        log: [],
        checks: 0,
        ms: 0,
      };
    };
    const failed = await run(scenario);
    const small = await minimise(failed, { run });
    expect(small.scenario.events).toEqual([needA, needB, { type: "check" }]);
  });
});

describe.each(["kdocs", "koodrive"] as const)("cloud-side steps on %s", (cloud) => {
  it("leave the pair's cloud folder as the model says", async () => {
    const world = await startWorld(cloud);
    try {
      await world.reader.createFolder(world.reader.rootId, REMOTE_PATH.slice(1));
      const tree = new LocalTree();
      const steps: Step[] = [
        { do: "mkdir", path: "A" },
        { do: "mkdir", path: "B" },
        { do: "write", path: "A/x.txt", content: "one" },
        { do: "write", path: "B/x.txt", content: "second" },
        // Moved and renamed into a folder that holds its old name.
        { do: "mv", from: "A/x.txt", to: "B/y.txt" },
        { do: "cp", from: "B/y.txt", to: "c.txt" },
        { do: "save", path: "c.txt", content: "third one" },
        { do: "rm", path: "A", folder: true },
      ];
      for (const step of steps) {
        applyToModel(tree, step);
        await applyToCloud(world, step, tree);
      }
      const { entries, duplicates } = await readCloud(world);
      expect(duplicates).toEqual([]);
      const seen = new Map([...entries].map(([path, e]) => [path, e.kind === "file" ? e.size : "folder"]));
      const wanted = new Map(
        [...tree.nodes].map(([path, n]) => [path, n.kind === "file" ? n.content.length : "folder"]),
      );
      expect(seen).toEqual(wanted);
      expect(wanted.get("c.txt")).toBe(9);
    } finally {
      await world.close();
    }
  });
});
