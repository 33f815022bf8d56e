/** A batch move that the server is still running when docsync stops is followed after the restart. */
import { mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { CloudProvider } from "../../cloud/provider.ts";
import { waitFor } from "../../../../testing/harness.ts";
import { filesOf, startScenario, type Scenario } from "../../../../testing/scenario.ts";

const moveEndpoint = "POST /api/v1/openapi/appspace/tasks/files/move";

let s: Scenario | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

test("a batch move interrupted by a restart is polled again from its saved task, not started again", async () => {
  let moveStarted = false;
  s = await startScenario({
    // 20 items at 10 a second: the move is still running when the engine stops.
    sandbox: { moveItemsPerSecond: 10 },
    wrapProvider: (provider: CloudProvider): CloudProvider =>
      Object.create(provider, {
        startMove: {
          value: async (...args: Parameters<CloudProvider["startMove"]>) => {
            const started = await provider.startMove(...args);
            moveStarted = true;
            return started;
          },
        },
      }) as CloudProvider,
  });
  const sc = s;
  for (let i = 0; i < 20; i++) sc.write(`inbox/f${i}.txt`, `file ${i}`);
  mkdirSync(join(sc.local, "archive"));
  const p = await sc.addPair("/m");
  await sc.t.engine.syncOnce(p.id);
  const before = await sc.remote("/m");
  const ids = Array.from({ length: 20 }, (_, i) => before.get(`inbox/f${i}.txt`)!.id);
  for (let i = 0; i < 20; i++)
    renameSync(join(sc.local, `inbox/f${i}.txt`), join(sc.local, `archive/f${i}.txt`));

  const interrupted = sc.t.engine.syncOnce(p.id);
  interrupted.catch(() => {});
  await waitFor(() => moveStarted && sc.t.poller.pending().length > 0, "the move task to be polled");
  const t = await sc.restart();
  expect(t.poller.pending()).toHaveLength(1);
  const moves = sc.sandbox.stats()[moveEndpoint];
  expect(moves).toBe(1);

  const uploads = sc.uploads();
  expect(await t.engine.syncOnce(p.id)).toMatchObject({ moved: 20, uploaded: 0, failed: 0 });
  expect(sc.sandbox.stats()[moveEndpoint]).toBe(moves);
  expect(sc.uploads()).toBe(uploads);
  expect(t.poller.pending()).toEqual([]);
  const after = await sc.remote("/m");
  expect(filesOf(after)).toEqual(Array.from({ length: 20 }, (_, i) => `archive/f${i}.txt`).sort());
  expect(Array.from({ length: 20 }, (_, i) => after.get(`archive/f${i}.txt`)!.id)).toEqual(ids);
  expect(await t.engine.syncOnce(p.id)).toMatchObject({ moved: 0, unchanged: 20 });
});
