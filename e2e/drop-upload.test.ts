import { expect } from "vitest";
import { dropFiles, mainTree, shownBytes, taskPanel, treeItem, useApps } from "./support/app.ts";

const appTest = useApps();

appTest(
  "three files dropped onto a folder upload with a task bar each and appear with their sizes",
  async (app) => {
    const { page } = app;
    const tree = mainTree(page);
    await page.getByText("This folder is empty").waitFor();

    await page.getByRole("button", { name: "New folder" }).click();
    await page
      .getByRole("dialog", { name: /^New folder/ })
      .getByLabel("Name")
      .fill("Inbox");
    await page.getByRole("button", { name: "Create folder" }).click();
    const inbox = treeItem(tree, "Inbox");
    await inbox.waitFor();

    const files = [
      { name: "notes.txt", size: 1_234 },
      { name: "plan.pdf", size: 345_678 },
      { name: "video.bin", size: 20 * 1024 * 1024 },
    ];
    await dropFiles(page, inbox, files);

    // Each upload has its bar, named after the file; all three reach 100%.
    const tasks = taskPanel(page);
    await tasks.getByRole("button", { name: /History · 3 finished tasks/ }).click({ timeout: 30_000 });
    for (const file of files) {
      const bar = tasks.getByRole("progressbar", { name: new RegExp(file.name.replace(".", "\\.")) });
      expect(await bar.getAttribute("aria-valuenow")).toBe("100");
    }

    await inbox.getByRole("button", { name: "Expand Inbox" }).click();
    for (const file of files) {
      const item = treeItem(tree, file.name);
      await item.waitFor();
      expect(await shownBytes(item)).toBe(file.size);
    }
    expect(await treeItem(tree, "video.bin").locator(".tree-size").textContent()).toBe("20.0 MB");
    await app.screenshot("drop-upload");
  },
);
