/** KooDrive served by the one local cloud: sign-in, Bearer calls, and the shared faults and counts. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "./server.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ koodrive: { users: [{ name: "ana", password: "secret" }] } });
});
afterAll(() => sandbox.close());

const listRoot = (token: string) =>
  fetch(`${sandbox.url}/koodrive/ose/v1/files/0`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ parentFileId: "root" }),
  });

test("koodriveToken signs in as the configured user and the token lists the drive", async () => {
  expect(sandbox.koodriveUser).toEqual({ name: "ana", password: "secret" });
  const token = await sandbox.koodriveToken();
  const answer = await listRoot(token);
  expect(answer.status).toBe(200);
  expect(await answer.json()).toMatchObject({ code: 0, files: [] });
  await expect(sandbox.koodriveToken({ name: "ana", password: "wrong" })).rejects.toThrow(/ana/);
});

test("KooDrive requests are counted and take the injected faults like every endpoint", async () => {
  const token = await sandbox.koodriveToken();
  sandbox.resetStats();
  await listRoot(token);
  expect(sandbox.stats()["POST /koodrive/ose/v1/files/:type"]).toBe(1);

  sandbox.setFaults({ errorRate: 1, pathPrefix: "/koodrive/ose/v1/files" });
  try {
    expect((await listRoot(token)).status).toBe(500);
    // The sign-in is a control route: never faulted.
    await expect(sandbox.koodriveToken()).resolves.toEqual(expect.any(String));
  } finally {
    sandbox.setFaults(null);
  }
  expect((await listRoot(token)).status).toBe(200);
});
