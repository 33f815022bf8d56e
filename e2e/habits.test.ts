import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "./support/app.ts";
import { chooseWithButton, dropFiles, localFiles, mainTree, newFolder, treeItem } from "./support/ui.ts";

test("Choose… finds a folder from the home folder (the web page browses the computer's folders) and fills it in", async ({
  app,
  page,
}) => {
  const reports = join(app.scratch, "Reports");
  await mkdir(join(reports, "2025"), { recursive: true });

  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Sync folders" }).click();
  await page.getByRole("button", { name: "Add sync folder" }).first().click();
  const form = page.getByRole("form", { name: "Add sync folder" });
  await chooseWithButton(app, form, ["Reports"], "folder-browser");

  await expect(form.getByLabel("Local folder")).toHaveValue(reports);
  await expect(form.getByLabel("Cloud folder")).toHaveValue("/Reports");
  await form.getByRole("button", { name: "Start syncing" }).click();
  await expect(page.getByRole("listitem", { name: `Sync folder ${reports}` })).toContainText("In sync");
});

test("the toast of a drop says when its uploads are done, and then goes away", async ({ app, page }) => {
  const inbox = await newFolder(page, "Inbox");

  await dropFiles(page, inbox, await localFiles(app, { "a.txt": "a\n", "b.txt": "b\n" }));
  const toasts = page.getByRole("status").filter({ has: page.locator(".toast") });
  await expect(toasts).toContainText("Uploaded 2 items to “Inbox”");
  await expect(toasts.getByText("Uploading 2 items")).toHaveCount(0);
  await expect(page.locator(".toast")).toHaveCount(0);
});

test("a first run with the local cloud offers a tour of a sample folder: drop it, pair it, move it", async ({
  app,
  page,
}) => {
  const banner = page.getByRole("region", { name: "Tour" });
  await banner.getByRole("button", { name: "Start the tour" }).click();
  const dialog = page.getByRole("dialog", { name: "Take a one-minute tour" });
  await expect(dialog.locator("code")).toHaveText(/docsync sample$/);
  const steps = dialog.getByRole("listitem");

  await dialog.getByRole("button", { name: "Upload the sample folder" }).click();
  await expect(steps.nth(0)).toContainText("Done");
  await expect(page.getByRole("status")).toContainText("The sample folder is in the cloud");
  await dialog.getByRole("button", { name: "Sync the sample folder" }).click();
  await expect(steps.nth(1)).toContainText("Done");
  await expect(dialog.getByText("2 of 3 done")).toBeVisible();
  await app.screenshot("tour");

  await dialog.getByRole("button", { name: "Open the cloud files" }).click();
  await expect(dialog).toBeHidden();
  const tree = mainTree(page);
  await treeItem(tree, "Read me.txt").click();
  await page.getByRole("button", { name: "Move…" }).click();
  const move = page.getByRole("dialog", { name: /^Move/ });
  await treeItem(move.getByRole("tree", { name: "Destination folder" }), "Notes").click();
  await move.getByRole("button", { name: "Move here" }).click();
  await expect(move).toBeHidden();

  await expect(banner).toContainText("3 of 3 done");
  await banner.getByRole("button", { name: "Continue the tour" }).click();
  await dialog.getByRole("button", { name: "Finish the tour" }).click();
  await expect(banner).toBeHidden();
  await page.reload();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Tour" })).toHaveCount(0);
  await expect.poll(async () => (await app.api("settings.get", {})).tourDone).toBe(true);
});
