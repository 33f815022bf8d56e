import { expect, test, type App } from "./support/app.ts";
import { mainTree, openTopFolder, seedFiles, taskPanel, treeItem, treeNames } from "./support/ui.ts";

const names = ["a.txt", "b.txt", "c.txt", "d.txt"];

/** Source (with four files) and an empty Target, made through the core; the page then shows them. */
async function seed(app: App): Promise<Record<string, string>> {
  const [account] = await app.api("accounts.list", {});
  const { id: accountId, rootId } = account!;
  const source = await app.api("tree.createFolder", { accountId, parentId: rootId, name: "Source" });
  await app.api("tree.createFolder", { accountId, parentId: rootId, name: "Target" });
  await seedFiles(
    app,
    { accountId, folderId: source.id },
    Object.fromEntries(names.map((name) => [name, `content of ${name}\n`])),
  );
  const listing = await app.api("tree.list", { accountId, folderId: source.id });
  await app.page.reload();
  await expect(treeNames(mainTree(app.page))).toHaveText(["Source", "Target"]);
  return Object.fromEntries(listing.entries.map((e) => [e.name, e.id]));
}

async function selectAndMove(app: App, picks: string[], options: { keyboard?: boolean; shot?: string } = {}) {
  const { page } = app;
  const tree = mainTree(page);
  if (options.keyboard) {
    // Arrows move, Enter opens the folder, Shift+Down extends the selection within it.
    await treeItem(tree, "Source").click();
    await page.keyboard.press("Enter");
    await expect(treeItem(tree, picks[0]!)).toBeVisible();
    await page.keyboard.press("ArrowDown");
    for (let i = 1; i < picks.length; i += 1) await page.keyboard.press("Shift+ArrowDown");
  } else {
    await treeItem(tree, "Source").dblclick();
    await treeItem(tree, picks[0]!).click();
    for (const name of picks.slice(1)) await treeItem(tree, name).click({ modifiers: ["ControlOrMeta"] });
  }
  await expect(page.getByText(`${picks.length} items selected`)).toBeVisible();
  await page.getByRole("button", { name: "Move…" }).click();

  const dialog = page.getByRole("dialog", { name: /^Move/ });
  await expect(dialog).toHaveAttribute("aria-modal", "true");
  const picker = dialog.getByRole("tree", { name: "Destination folder" });
  // The folder the items are in cannot be chosen, and the dialog says why.
  const current = treeItem(picker, "Source");
  await expect(current).toHaveAttribute("aria-disabled", "true");
  await expect(current.getByText("The items are already here")).toBeVisible();
  const moveHere = dialog.getByRole("button", { name: "Move here" });
  await current.click({ force: true }); // eslint-disable-line playwright/no-force-option -- a click on a disabled item must choose nothing
  await expect(moveHere).toBeDisabled();

  await treeItem(picker, "Target").click();
  await expect(moveHere).toBeEnabled();
  if (options.shot) await app.screenshot(options.shot);
  await moveHere.click();
  await expect(dialog).toBeHidden();
}

test("three files selected and moved with the dialog leave the source and appear in the target", async ({
  app,
  page,
}) => {
  await seed(app);
  await selectAndMove(app, ["a.txt", "b.txt", "c.txt"], { keyboard: true, shot: "move-dialog" });

  const tree = mainTree(page);
  await expect(treeNames(tree)).toHaveText(["d.txt"]);
  await openTopFolder(page, /Local cloud/);
  await treeItem(tree, "Target").dblclick();
  await expect(treeNames(tree)).toHaveText(["a.txt", "b.txt", "c.txt"]);
  const tasks = taskPanel(page);
  await tasks.getByRole("button", { name: /History/ }).click();
  await expect(tasks.getByRole("progressbar", { name: /^Move 3 items/ })).toHaveAttribute(
    "aria-valuenow",
    "100",
  );
  await app.screenshot("move");
});

test("a move that partly fails under injected faults lists the failed item, and retrying it finishes the move", async ({
  app,
  page,
}) => {
  const ids = await seed(app);
  // Every request about b.txt itself fails, so the move cannot check it; the others go through.
  await app.cloud.setFaults({ errorRate: 1, pathPrefix: `/api/v1/openapi/appspace/files/${ids["b.txt"]}` });

  await selectAndMove(app, ["a.txt", "b.txt", "c.txt"]);
  const tasks = taskPanel(page);
  const failures = tasks.getByRole("list", { name: /^Items that failed in Move 3 items/ });
  await expect(failures.getByRole("listitem")).toHaveText([/^b\.txt — .+/]);
  const tree = mainTree(page);
  await expect(treeNames(tree)).toHaveText(["b.txt", "d.txt"]);
  await app.screenshot("move-partly-failed");

  await app.cloud.setFaults(null);
  await tasks.getByRole("button", { name: "Retry failed" }).click();
  await expect(treeNames(tree)).toHaveText(["d.txt"]);
  await expect(failures).toHaveCount(0);
  await openTopFolder(page, /Local cloud/);
  await treeItem(tree, "Target").dblclick();
  await expect(treeNames(tree)).toHaveText(["a.txt", "b.txt", "c.txt"]);
  await app.screenshot("move-retried");
});
