import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "./support/app.ts";

test("a sync folder with a path that fails says so, with the path, the reason and the next try, not In sync", async ({
  app,
  page,
}) => {
  const [account] = await app.api("accounts.list", {});
  const { id: accountId, rootId } = account!;
  // The cloud holds a folder where the local folder has a file: that path cannot be uploaded.
  const reports = await app.api("tree.createFolder", { accountId, parentId: rootId, name: "Reports" });
  await app.api("tree.createFolder", { accountId, parentId: reports.id, name: "summary" });
  const local = join(app.scratch, "Reports");
  await mkdir(local);
  await writeFile(join(local, "summary"), "a file named like a cloud folder");
  await writeFile(join(local, "fine.txt"), "fine");
  await app.api("pairs.add", { accountId, localPath: local, remotePath: "/Reports", deletePolicy: "keep" });

  await page.getByRole("button", { name: "Sync folders" }).click();
  const card = page.getByRole("listitem", { name: `Sync folder ${local}` });
  await expect(card.getByText("Failed", { exact: true })).toBeVisible();
  await expect(card.getByText("In sync", { exact: true })).toHaveCount(0);
  await expect(card.getByText("1 failed", { exact: true })).toBeVisible();
  await card.getByText("1 file failed").click();
  const issue = card.getByRole("listitem").filter({ hasText: "summary" });
  await expect(issue).toContainText(/summary — .+ · next try at /);
  await app.screenshot("pair-failed");
});
