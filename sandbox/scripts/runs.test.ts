import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { waitFor } from "../testing/wps2-client.ts";
import { ScriptService, type StatusAnswer } from "./runs.ts";

let dataDir: string;
let service: ScriptService;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "docsync-script-runs-"));
  service = new ScriptService({
    dataDir,
    now: Date.now,
    documentKind: () => "file",
    limits: { sleepMs: 300 },
  });
});
afterEach(async () => {
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const finished = (taskId: string) =>
  waitFor(async () => {
    const answer = service.status(taskId);
    return answer?.status === "finish" ? answer : undefined;
  });

it("a run past its total sleep ends with the cap named, before it sleeps again", async () => {
  const answer: StatusAnswer = await finished(service.start("doc", "Time.sleep(200)\nTime.sleep(200)", "t"));
  expect(answer.error).toBe("line 2: over the total sleep cap (300 ms per run)");
});

it("a long run lets the server take its turn between statements", async () => {
  let turns = 0;
  let running = true;
  const turn = () => {
    turns += 1;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  const answer = await finished(service.start("doc", "1;".repeat(4_000), "t"));
  running = false;
  expect(answer).toMatchObject({ error: "", data: { result: "1" } });
  expect(turns).toBeGreaterThan(2_000);
});
