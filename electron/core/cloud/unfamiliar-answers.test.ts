/**
 * The providers against a local cloud told to answer as a real service might where the vendor pages
 * are silent: status words the contract does not know, fields left out or added, KooDrive's `code`
 * as the String "0". Nothing fails; tasks wait for the service and end; each difference is told.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "../../../sandbox/server.ts";
import { createKdocsProvider } from "./kdocs/provider.ts";
import { createKooDriveProvider } from "./koodrive/provider.ts";
import type { ServiceNotice } from "./notices.ts";
import type { CloudProvider, ServerTaskRef, ServerTaskStatus } from "./provider.ts";

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ quirks: { unfamiliarAnswers: true } });
  dir = await mkdtemp(join(tmpdir(), "docsync-unfamiliar-"));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

async function settle(provider: CloudProvider, task: ServerTaskRef): Promise<ServerTaskStatus[]> {
  const seen: ServerTaskStatus[] = [];
  for (;;) {
    const status = await provider.pollTask(task);
    seen.push(status);
    if (status.state !== "running") return seen;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function twoFiles(provider: CloudProvider, folderId: string) {
  const ids: string[] = [];
  for (const name of ["a.txt", "b.txt"]) {
    const localPath = join(dir, name);
    await writeFile(localPath, name);
    ids.push((await provider.upload({ localPath, name, parentId: folderId })).id);
  }
  return ids;
}

describe("KDocs", () => {
  test("a batch move and an import answered with unknown words wait for the service, then end", async () => {
    const notices: ServiceNotice[] = [];
    const kdocs = createKdocsProvider({
      baseUrl: sandbox.url,
      appId: sandbox.appId,
      appKey: sandbox.appKey,
      onNotice: (notice) => notices.push(notice),
    });
    try {
      const from = await kdocs.createFolder("0", "from");
      const to = await kdocs.createFolder("0", "to");
      const started = await kdocs.startMove(await twoFiles(kdocs, from.id), to.id);
      if (started.done) throw new Error("expected a task");
      const moves = await settle(kdocs, started.task);
      expect(moves[0]).toMatchObject({ state: "running", unknownStatus: "running", total: -1 });
      expect(moves.at(-1)).toMatchObject({ state: "succeeded", failed: [] });

      const { url } = await kdocs.client.downloadAddress((await kdocs.list(to.id)).entries[0]!.id);
      const taskId = await kdocs.client.startAsyncUpload({ url, filename: "copy.txt", parentId: to.id });
      const imports = await settle(kdocs, { kind: "import", id: taskId });
      expect(imports[0]).toMatchObject({ state: "running", unknownStatus: "queued" });
      expect(imports.at(-1)).toMatchObject({ state: "succeeded", resultId: expect.any(String) });

      const told = notices.map((n) => `${n.call} ${n.kind} ${n.field} ${n.value ?? ""}`.trim());
      expect(told).toEqual(
        expect.arrayContaining([
          "GET /appspace/tasks/{task_id} unknown-value data.status running",
          "GET /appspace/tasks/{task_id} missing-field data.progress",
          "GET /appspace/tasks/{task_id} extra-field data.trace_id",
          "GET /appspace/file/async/upload/{task_id} unknown-value data.status queued",
        ]),
      );
    } finally {
      kdocs.close();
    }
  });
});

describe("KooDrive", () => {
  test('takes code "0", and waits through a job status the contract does not know', async () => {
    const notices: ServiceNotice[] = [];
    const drive = createKooDriveProvider({
      baseUrl: sandbox.url,
      token: await sandbox.koodriveToken(),
      onNotice: (notice) => notices.push(notice),
    });
    try {
      const from = await drive.createFolder("root", "from");
      const to = await drive.createFolder("root", "to");
      const started = await drive.startMove(await twoFiles(drive, from.id), to.id);
      if (started.done) throw new Error("expected a job");
      const seen = await settle(drive, started.task);
      expect(seen[0]).toMatchObject({ state: "running", unknownStatus: "4" });
      expect(seen.at(-1)).toMatchObject({ state: "succeeded" });
      expect((await drive.list(to.id)).entries.map((e) => e.name)).toEqual(["a.txt", "b.txt"]);
      expect(notices).toContainEqual(
        expect.objectContaining({ kind: "unknown-value", field: "data.jobInfo.status", value: "4" }),
      );
    } finally {
      drive.close();
    }
  });
});
