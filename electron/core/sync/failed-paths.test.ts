/** A failed path is the engine's to try again: with backoff, at once after a change, and shown as failed meanwhile. */
import { afterEach, expect, test } from "vitest";
import { createI18n, sayPhrase } from "../../../shared/i18n/index.ts";
import { waitFor } from "../../../testing/harness.ts";
import { startScenario, type Scenario } from "../../../testing/scenario.ts";
import type { CloudProvider } from "../cloud/provider.ts";

let s: Scenario | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A cloud that refuses every upload while `refusing` is set, as a service refusing a name would. */
async function refusingCloud(backoff: { baseDelayMs: number; maxDelayMs: number }) {
  const gate = { refusing: true };
  s = await startScenario({
    // No rescan during the test: whatever arrives, the engine's retry or a change brought it.
    engine: { rescanIntervalMs: 3_600_000, failedPathBackoff: { ...backoff, random: () => 0.999 } },
    wrapProvider: (provider) =>
      Object.assign(Object.create(provider) as CloudProvider, {
        upload: (source: Parameters<CloudProvider["upload"]>[0]) =>
          gate.refusing ? Promise.reject(new Error("the name is not allowed")) : provider.upload(source),
      }),
  });
  return { sc: s, gate };
}

const failedView = async (sc: Scenario) =>
  waitFor(() => {
    const view = sc.t.engine.pairs()[0];
    return view?.state === "failed" ? view : undefined;
  }, "the pair to show the failure");

test("a failed upload is tried again by the engine without a rescan; meanwhile the pair says it failed", async () => {
  const { sc, gate } = await refusingCloud({ baseDelayMs: 300, maxDelayMs: 1_000 });
  await sc.addPair("/r");
  sc.write("a.txt", "alpha");
  await sc.t.engine.start();
  const view = await failedView(sc);
  expect(view.message).toBe("1 failed");
  expect(view.issues).toEqual([
    { path: "a.txt", reason: "the name is not allowed", nextRetryAt: expect.any(Number) },
  ]);
  expect(
    sc.t.engine
      .activity()
      .some((e) => e.level === "warn" && e.text.includes("a.txt: the name is not allowed")),
  ).toBe(true);
  // The pass's entry is a phrase, its lines too: a Chinese reader reads them in Chinese.
  const entry = sc.t.engine.activity().find((e) => e.level === "warn" && e.phrase)!;
  expect(sayPhrase(createI18n("zh-CN"), entry.phrase!)).toMatch(
    /失败 1\n {2}a\.txt：the name is not allowed；下次重试 \d{4}-\d\d-\d\dT/,
  );
  gate.refusing = false;
  await waitFor(async () => (await sc.remote("/r")).has("a.txt"), "the retry", 15_000);
  await waitFor(() => sc.t.engine.pairs()[0]?.state === "idle", "the pair to be in sync");
  expect(sc.t.engine.pairs()[0]).toMatchObject({ message: "in sync", issues: [], toSend: 0 });
});

test("a change to a failed path is tried at once, however long its backoff", async () => {
  const { sc, gate } = await refusingCloud({ baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 });
  await sc.addPair("/r");
  sc.write("a.txt", "alpha");
  await sc.t.engine.start();
  expect((await failedView(sc)).issues[0]!.nextRetryAt).toBeGreaterThan(Date.now() + 60_000);
  gate.refusing = false;
  sc.write("a.txt", "alpha, edited");
  await waitFor(async () => (await sc.remote("/r")).get("a.txt")?.size === 13, "the upload", 15_000);
  await waitFor(() => sc.t.engine.pairs()[0]?.state === "idle", "the pair to be in sync");
});
