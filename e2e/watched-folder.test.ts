import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { mainTree, showAccount, shownBytes, treeItem, until, useApps } from "./support/app.ts";

const appTest = useApps();

appTest(
  "a folder added through the UI syncs: new files appear in the tree, an edit updates the size",
  async (app) => {
    const { page } = app;
    const local = join(app.scratch, "Reports");
    await mkdir(local);

    await page.getByRole("button", { name: "Sync folders" }).click();
    await page.getByText("No folders are synced yet").waitFor();
    await page.getByRole("button", { name: "Add sync folder" }).first().click();
    const form = page.getByRole("form", { name: "Add sync folder" });
    await form.getByLabel("Local folder").fill(local);
    expect(await form.getByLabel("Cloud folder").inputValue()).toBe("/Reports");
    await form.getByRole("button", { name: "Start syncing" }).click();
    const card = page.getByRole("listitem", { name: `Sync folder ${local}` });
    await card.getByText("In sync", { exact: true }).waitFor({ timeout: 20_000 });

    await writeFile(join(local, "summary.txt"), "q".repeat(300));
    await mkdir(join(local, "data"));
    await writeFile(join(local, "data", "figures.csv"), "1,2,3\n".repeat(400));

    await showAccount(page, /Local cloud/);
    const tree = mainTree(page);
    await treeItem(tree, "Reports").dblclick({ timeout: 20_000 });
    const summary = treeItem(tree, "summary.txt");
    await summary.waitFor({ timeout: 20_000 });
    expect(await shownBytes(summary)).toBe(300);
    await treeItem(tree, "data").getByRole("button", { name: "Expand data" }).click();
    expect(
      await shownBytes(
        await until(async () =>
          treeItem(tree, "figures.csv")
            .count()
            .then((n) => n > 0 && treeItem(tree, "figures.csv")),
        ),
      ),
    ).toBe(2400);

    await writeFile(join(local, "summary.txt"), "q".repeat(5000));
    await until(async () => (await shownBytes(summary)) === 5000, 20_000, "the edited size");
    await app.screenshot("watched-folder");

    await page.getByRole("button", { name: "Sync folders" }).click();
    await card.getByText("In sync", { exact: true }).waitFor({ timeout: 20_000 });
    await app.screenshot("watched-folder-pairs");
  },
);
