import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, test } from "vitest";
import { filesOf, startScenario, type Scenario } from "../../../testing/scenario.ts";
import { createBandwidthLimiter } from "./bandwidth.ts";

const MiB = 1024 * 1024;

/** A clock that only moves when the code under test sleeps on it. */
function fakeClock() {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.time += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}

describe("the bandwidth cap", () => {
  test("paces one big body chunk by chunk, and a new cap applies to the bytes still to go", async () => {
    const clock = fakeClock();
    const cap = createBandwidthLimiter(1 * MiB, clock.now, clock.sleep);
    const chunk = 64 * 1024;
    let sent = 0;
    let halfAt = 0;
    while (sent < 8 * MiB) {
      await cap.take(chunk);
      sent += chunk;
      if (sent === 4 * MiB) {
        halfAt = clock.time;
        cap.setRate(4 * MiB);
      }
    }
    // 4 MiB at 1 MiB/s, less the quarter second a quiet link may burst and the chunk admitted on
    // credit; then 4 MiB at 4 MiB/s.
    expect(halfAt).toBeGreaterThanOrEqual(3_600);
    expect(halfAt).toBeLessThanOrEqual(4_000);
    expect(clock.time - halfAt).toBeGreaterThanOrEqual(900);
    expect(clock.time - halfAt).toBeLessThanOrEqual(1_100);
  });

  test("lifting the cap lets a waiting chunk go without another wait", async () => {
    const clock = fakeClock();
    const cap = createBandwidthLimiter(1 * MiB, clock.now, clock.sleep);
    await cap.take(4 * MiB);
    const waited = cap.take(1);
    cap.setRate(undefined);
    const before = clock.time;
    await waited;
    await cap.take(100 * MiB);
    // At most the one short step already under way.
    expect(clock.time - before).toBeLessThanOrEqual(250);
  });
});

describe("the bandwidth cap in a pair's upload", () => {
  let s: Scenario | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  test("throttles one big file while it uploads, and follows a cap changed on the way", async () => {
    const clock = fakeClock();
    let lifted = false;
    s = await startScenario({
      engine: {
        bandwidthBytesPerSecond: 1 * MiB,
        now: clock.now,
        sleep: async (ms) => {
          await clock.sleep(ms);
          // Two seconds into the upload the cap goes up fourfold.
          if (!lifted && clock.time >= 2_000) {
            lifted = true;
            s!.t.engine.setBandwidth(4 * MiB);
          }
        },
      },
    });
    const body = randomBytes(8 * MiB);
    s.write("video.bin", body);
    const pair = await s.addPair("/capped");
    const summary = await s.t.engine.syncOnce(pair.id);
    expect(summary).toMatchObject({ uploaded: 1, failed: 0 });
    expect(filesOf(await s.remote("/capped"))).toEqual(["video.bin"]);
    expect((await s.remote("/capped")).get("video.bin")?.size).toBe(8 * MiB);
    // Uncapped the clock would not move; at 1 MiB/s throughout it would take 8 s. 2 s at 1 MiB/s
    // (2.25 MiB with the burst), the remaining 5.75 MiB at 4 MiB/s: about 3.4 s.
    expect(lifted).toBe(true);
    expect(clock.time).toBeGreaterThanOrEqual(3_200);
    expect(clock.time).toBeLessThanOrEqual(3_700);
  });
});
