import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { Handlers } from "../../shared/contract.ts";
import { tempDir, waitFor } from "../../testing/harness.ts";
import { bootCore, type BootedCore } from "./boot.ts";

const home = tempDir("docsync-boot-");
const files = tempDir("docsync-boot-files-");
let booted: BootedCore | undefined;
afterEach(async () => {
  await booted?.close();
  home.remove();
  files.remove();
});

async function ended(handlers: Handlers, taskId: string) {
  return waitFor(async () => {
    const { tasks } = await handlers["tasks.snapshot"]({});
    const found = tasks.find((t) => t.id === taskId);
    return found && ["succeeded", "failed", "partial", "cancelled"].includes(found.state) ? found : undefined;
  }, `task ${taskId} to end`);
}

it("gives a new user a local cloud account that can run a script at once", async () => {
  booted = await bootCore({ home: home.path, shell: "cli", log: () => {} });
  const { handlers } = booted.core;
  const [account] = await handlers["accounts.list"]({});
  expect(account).toMatchObject({ sandbox: true, hasAccessToken: true });

  const path = join(files.path, "sheet.xlsx");
  writeFileSync(path, "a sheet");
  const accountId = account!.id;
  const [upload] = (await handlers["uploads.fromPaths"]({ accountId, folderId: "0", paths: [path] })).taskIds;
  expect((await ended(handlers, upload!)).state).toBe("succeeded");
  const { entries } = await handlers["tree.list"]({ accountId, folderId: "0" });
  const document = entries.find((e) => e.name === "sheet.xlsx")!;

  const { taskId } = await handlers["scripts.run"]({
    accountId,
    fileId: document.id,
    script: 'console.log("hello")\n1 + 2',
  });
  const task = await ended(handlers, taskId);
  expect(task).toMatchObject({ state: "succeeded", title: "Script on sheet.xlsx" });
  expect(task.log?.map((line) => line.text)).toContain("hello");
  expect(task.log?.at(-1)).toMatchObject({ level: "result", text: "3" });
});
