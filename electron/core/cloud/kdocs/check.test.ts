import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "../../../../sandbox/server.ts";
import type { CheckStep } from "../provider.ts";
import { createKdocsProvider, type KdocsProvider } from "./provider.ts";

let sandbox: Sandbox;
let kdocs: KdocsProvider;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  kdocs = createKdocsProvider({ baseUrl: sandbox.url, appId: sandbox.appId, appKey: sandbox.appKey });
  dir = await mkdtemp(join(tmpdir(), "docsync-kdocs-check-"));
});
afterAll(async () => {
  kdocs.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

const named = (steps: CheckStep[], name: string) => steps.find((step) => step.name === name)!;

test("without OST settings or a token, those steps are skipped and say why", () => {
  const steps = kdocs.serviceChecks!({ folderId: "0", fileId: "f", localDir: dir });
  expect(steps.map((step) => [step.name, step.skip])).toEqual([
    ["async upload of a staged file", "the account has no large-file (iFlytek OST) settings"],
    ["script status", "the account has no user access token"],
  ]);
});

test("a script the service will not run on the check's file still shows the token and the status endpoint at work", async () => {
  const context = {
    folderId: "0",
    fileId: "not-a-document",
    localDir: dir,
    accessToken: sandbox.scriptsAccessToken,
  };
  const said = await named(kdocs.serviceChecks!(context), "script status").run(AbortSignal.timeout(30_000));
  expect(said).toMatch(
    /^the token works: KDocs would not run a script on the check's file .*answered "not found"/,
  );

  const refused = { ...context, accessToken: "not-the-token" };
  const error = await named(kdocs.serviceChecks!(refused), "script status")
    .run(AbortSignal.timeout(30_000))
    .catch((e: unknown) => e);
  expect(error).toMatchObject({ kind: "credentials" });
});
