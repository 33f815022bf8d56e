import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { startSandbox, type Sandbox } from "./server.ts";
import { API, call, upload, waitFor } from "./testing/wps2-client.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test("a restart with the same data folder keeps files, credentials and unfinished tasks", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "sandbox-persist-"));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

  // The first request to the source hangs (the server stops meanwhile); later ones get the bytes.
  let requests = 0;
  const hanging: ServerResponse[] = [];
  const source = createServer((_request, response) => {
    requests += 1;
    if (requests === 1) {
      response.writeHead(200, { "Content-Length": "5" });
      response.write("he");
      hanging.push(response);
    } else response.end("hello");
  });
  await new Promise<void>((resolve) => source.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    source.closeAllConnections();
    await new Promise((resolve) => source.close(resolve));
  });
  const sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}/file`;

  let sandbox: Sandbox = await startSandbox({ dataDir, moveItemsPerSecond: 20 });
  cleanups.push(() => sandbox.close());
  const first = { appId: sandbox.appId, appKey: sandbox.appKey, ost: sandbox.ost };
  const kept = await upload(sandbox, [["parent_path", "kept"]], {
    filename: "kept.txt",
    content: Buffer.from("kept"),
  });
  const tokens: string[] = [];
  for (let i = 0; i < 15; i++) {
    const result = await upload(sandbox, [["parent_path", "from"]], {
      filename: `m${i}.txt`,
      content: Buffer.from(`m${i}`),
    });
    tokens.push(result.json.data.file_token);
  }
  const target = (await call(sandbox, "POST", `${API}/folders`, { json: { name: "to" } })).json.data
    .file_token;
  const moveTask = (
    await call(sandbox, "POST", `${API}/tasks/files/move`, {
      json: { file_tokens: tokens, parent_token: target },
    })
  ).json.data.task_id;
  const importTask = (
    await call(sandbox, "POST", `${API}/file/async/upload`, {
      json: { url: sourceUrl, filename: "imported.txt" },
    })
  ).json.data.task_id;
  await waitFor(async () => {
    const task = (await call(sandbox, "GET", `${API}/tasks/${moveTask}`)).json.data;
    return task.progress.current > 0 ? task : undefined;
  });
  await waitFor(async () => (hanging.length > 0 ? true : undefined));
  await sandbox.close();

  sandbox = await startSandbox({ dataDir, moveItemsPerSecond: 200 });
  expect({ appId: sandbox.appId, appKey: sandbox.appKey, ost: sandbox.ost }).toEqual(first);
  const info = await call(sandbox, "GET", `${API}/files/${kept.json.data.file_token}`);
  expect(info.json.data).toMatchObject({ name: "kept.txt", size: 4 });
  const address = await call(sandbox, "GET", `${API}/files/${kept.json.data.file_token}/download`);
  expect(await (await fetch(address.json.data.url)).text()).toBe("kept");

  const moved = await waitFor(async () => {
    const task = (await call(sandbox, "GET", `${API}/tasks/${moveTask}`)).json.data;
    return task.status === "processing" ? undefined : task;
  });
  expect(moved).toMatchObject({ status: "success", progress: { current: 15, total: 15 } });
  expect(moved.results).toHaveLength(15);

  const imported = await waitFor(async () => {
    const task = (await call(sandbox, "GET", `${API}/file/async/upload/${importTask}`)).json.data;
    return task.status === "processing" ? undefined : task;
  });
  expect(imported).toMatchObject({ status: "success", progress: { current: 5, total: 5 } });
  const file = await call(sandbox, "GET", `${API}/files/${imported.file_token}`);
  expect(file.json.data).toMatchObject({
    name: "imported.txt",
    size: 5,
    md5: "5d41402abc4b2a76b9719d911017c592",
  });
});

test("a sandbox without a data folder removes its temp folder on close", async () => {
  const sandbox = await startSandbox();
  const { existsSync } = await import("node:fs");
  expect(existsSync(sandbox.dataDir)).toBe(true);
  await sandbox.close();
  expect(existsSync(sandbox.dataDir)).toBe(false);
});
