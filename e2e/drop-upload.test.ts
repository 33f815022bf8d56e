import { expect, test } from "./support/app.ts";
import { dropFiles, localFiles, mainTree, sizeOf, taskPanel, treeItem } from "./support/ui.ts";

const files = {
  "notes.txt": Buffer.alloc(1_234, "n"),
  "plan.pdf": Buffer.alloc(345_678, "p"),
  "video.bin": Buffer.alloc(20 * 1024 * 1024, "v"),
};

test("three files dropped onto a folder upload with a task bar each and appear with their sizes", async ({
  app,
  page,
}) => {
  const tree = mainTree(page);
  await expect(page.getByText("This folder is empty")).toBeVisible();

  await page.getByRole("button", { name: "New folder" }).click();
  await page
    .getByRole("dialog", { name: /^New folder/ })
    .getByLabel("Name")
    .fill("Inbox");
  await page.getByRole("button", { name: "Create folder" }).click();
  const inbox = treeItem(tree, "Inbox");
  await expect(inbox).toBeVisible();

  await dropFiles(page, inbox, await localFiles(app, files));

  // Each upload has its bar, named after the file; all three reach 100%.
  const tasks = taskPanel(page);
  const history = tasks.getByRole("button", { name: /History · 3 finished tasks/ });
  await expect(history).toBeVisible();
  await history.click();
  for (const name of Object.keys(files)) {
    const bar = tasks.getByRole("progressbar", { name: new RegExp(name.replace(".", "\\.")) });
    await expect(bar).toHaveAttribute("aria-valuenow", "100");
  }

  await inbox.getByRole("button", { name: "Expand Inbox" }).click();
  for (const [name, bytes] of Object.entries(files))
    await expect(sizeOf(treeItem(tree, name))).toHaveAttribute(
      "title",
      `${bytes.length.toLocaleString("en")} bytes`,
    );
  await expect(sizeOf(treeItem(tree, "video.bin"))).toHaveText("20.0 MB");
  await app.screenshot("drop-upload");
});
