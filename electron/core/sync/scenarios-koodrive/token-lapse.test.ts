/** KooDrive's sign-in tokens expire; the shared scenarios in ../scenarios/ cover everything else on KooDrive. */
import { afterEach, expect, test } from "vitest";
import type { KooDriveProvider } from "../../cloud/koodrive/provider.ts";
import { kooDriveCloud } from "../../../../testing/scenario-clouds.ts";
import { filesOf, startScenario, type Scenario } from "../../../../testing/scenario.ts";

let s: Scenario<KooDriveProvider> | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

test("a token that lapsed between two syncs is renewed by signing in again; nothing fails", async () => {
  let offset = 0;
  s = await startScenario({ cloud: kooDriveCloud(), sandbox: { now: () => Date.now() + offset } });
  s.write("before.txt", "before");
  const p = await s.addPair("/lapse");
  expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, failed: 0 });
  offset += 21 * 60 * 1000;
  s.write("after.txt", "after");
  expect(await s.t.engine.syncOnce(p.id)).toMatchObject({ uploaded: 1, failed: 0 });
  expect(filesOf(await s.remote("/lapse"))).toEqual(["after.txt", "before.txt"]);
});
