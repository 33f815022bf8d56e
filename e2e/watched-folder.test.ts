import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "./support/app.ts";
import { chooseLocalFolder, mainTree, showAccount, sizeOf, treeItem } from "./support/ui.ts";

test("a folder added through the UI syncs: new files appear in the tree, an edit updates the size", async ({
  app,
  page,
}) => {
  const local = join(app.scratch, "Reports");
  await mkdir(local);

  await page.getByRole("button", { name: "Sync folders" }).click();
  await expect(page.getByText("No folders are synced yet")).toBeVisible();
  await page.getByRole("button", { name: "Add sync folder" }).first().click();
  const form = page.getByRole("form", { name: "Add sync folder" });
  await chooseLocalFolder(app, form, local);
  await expect(form.getByLabel("Cloud folder")).toHaveValue("/Reports");
  await form.getByRole("button", { name: "Start syncing" }).click();
  const card = page.getByRole("listitem", { name: `Sync folder ${local}` });
  await expect(card.getByText("In sync", { exact: true })).toBeVisible();

  await writeFile(join(local, "summary.txt"), "q".repeat(300));
  await mkdir(join(local, "data"));
  await writeFile(join(local, "data", "figures.csv"), "1,2,3\n".repeat(400));

  await showAccount(page, /Local cloud/);
  const tree = mainTree(page);
  const reports = treeItem(tree, "Reports");
  await expect(reports).toBeVisible();
  await reports.dblclick();
  const summary = treeItem(tree, "summary.txt");
  await expect(sizeOf(summary)).toHaveAttribute("title", "300 bytes");
  await treeItem(tree, "data").getByRole("button", { name: "Expand data" }).click();
  await expect(sizeOf(treeItem(tree, "figures.csv"))).toHaveAttribute("title", "2,400 bytes");

  await writeFile(join(local, "summary.txt"), "q".repeat(5000));
  await expect(sizeOf(summary)).toHaveAttribute("title", "5,000 bytes");
  await app.screenshot("watched-folder");

  await page.getByRole("button", { name: "Sync folders" }).click();
  await expect(card.getByText("In sync", { exact: true })).toBeVisible();
  await app.screenshot("watched-folder-pairs");
});
