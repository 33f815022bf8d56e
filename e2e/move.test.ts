import type { Page } from "playwright-core";
import { expect } from "vitest";
import {
  mainTree,
  openTopFolder,
  seedFiles,
  taskPanel,
  treeItem,
  until,
  useApps,
  type AppUnderTest,
} from "./support/app.ts";

const appTest = useApps();

const names = ["a.txt", "b.txt", "c.txt", "d.txt"];

/** Source (with four files) and an empty Target, made through the shell's API. */
async function seed(
  app: AppUnderTest,
): Promise<{ accountId: string; source: string; target: string; ids: Record<string, string> }> {
  const [account] = await app.api("accounts.list", {});
  const { id: accountId, rootId } = account!;
  const source = await app.api("tree.createFolder", { accountId, parentId: rootId, name: "Source" });
  const target = await app.api("tree.createFolder", { accountId, parentId: rootId, name: "Target" });
  await seedFiles(
    app,
    { accountId, folderId: source.id },
    Object.fromEntries(names.map((name) => [name, `content of ${name}\n`])),
  );
  const listing = await app.api("tree.list", { accountId, folderId: source.id });
  const ids = Object.fromEntries(listing.entries.map((e) => [e.name, e.id]));
  return { accountId, source: source.id, target: target.id, ids };
}

async function names_in(page: Page): Promise<string[]> {
  return mainTree(page)
    .getByRole("treeitem")
    .evaluateAll((items) => items.map((item) => item.getAttribute("aria-label") ?? ""));
}

async function selectAndMove(
  app: AppUnderTest,
  picks: string[],
  options: { keyboard?: boolean; shot?: string } = {},
): Promise<void> {
  const { page } = app;
  const tree = mainTree(page);
  if (options.keyboard) {
    // Arrows move, Enter opens the folder, Shift+Down extends the selection within it.
    await treeItem(tree, "Source").click();
    await page.keyboard.press("Enter");
    await treeItem(tree, picks[0]!).waitFor();
    await page.keyboard.press("ArrowDown");
    for (let i = 1; i < picks.length; i += 1) await page.keyboard.press("Shift+ArrowDown");
  } else {
    await treeItem(tree, "Source").dblclick();
    await treeItem(tree, picks[0]!).click();
    for (const name of picks.slice(1)) await treeItem(tree, name).click({ modifiers: ["Control"] });
  }
  await page.getByText(`${picks.length} items selected`).waitFor();
  await page.getByRole("button", { name: "Move…" }).click();

  const dialog = page.getByRole("dialog", { name: /^Move/ });
  expect(await dialog.getAttribute("aria-modal")).toBe("true");
  const picker = dialog.getByRole("tree", { name: "Destination folder" });
  // The folder the items are in cannot be chosen, and the dialog says why.
  const current = treeItem(picker, "Source");
  expect(await current.getAttribute("aria-disabled")).toBe("true");
  await current.getByText("The items are already here").waitFor();
  await current.click({ force: true });
  expect(await dialog.getByRole("button", { name: "Move here" }).isDisabled()).toBe(true);

  await treeItem(picker, "Target").click();
  if (options.shot) await app.screenshot(options.shot);
  await dialog.getByRole("button", { name: "Move here" }).click();
  await dialog.waitFor({ state: "detached" });
}

appTest(
  "three files selected and moved with the dialog leave the source and appear in the target",
  async (app) => {
    const { page } = app;
    await seed(app);
    await page.reload();
    await selectAndMove(app, ["a.txt", "b.txt", "c.txt"], { keyboard: true, shot: "move-dialog" });

    await until(
      async () => (await names_in(page)).join() === "d.txt",
      20_000,
      "the source to keep only d.txt",
    );
    const tree = mainTree(page);
    await openTopFolder(page, /Local cloud/);
    await treeItem(tree, "Target").dblclick();
    await until(
      async () => (await names_in(page)).join() === "a.txt,b.txt,c.txt",
      20_000,
      "the target's files",
    );
    const tasks = taskPanel(page);
    await tasks.getByRole("button", { name: /History/ }).click();
    expect(
      await tasks.getByRole("progressbar", { name: /^Move 3 items/ }).getAttribute("aria-valuenow"),
    ).toBe("100");
    await app.screenshot("move");
  },
);

appTest(
  "a move that partly fails under injected faults lists the failed item, and retrying it finishes the move",
  async (app) => {
    const { page } = app;
    const { ids } = await seed(app);
    await page.reload();
    const cloud = app.localCloud();
    // Every request about b.txt itself fails, so the move cannot check it; the others go through.
    cloud.setFaults({ errorRate: 1, pathPrefix: `/api/v1/openapi/appspace/files/${ids["b.txt"]}` });

    await selectAndMove(app, ["a.txt", "b.txt", "c.txt"]);
    const tasks = taskPanel(page);
    const failures = tasks.getByRole("list", { name: /^Items that failed in Move 3 items/ });
    await failures.waitFor({ timeout: 30_000 });
    expect(await failures.getByRole("listitem").allTextContents()).toEqual([
      expect.stringMatching(/^b\.txt — .+/),
    ]);
    await until(
      async () => (await names_in(page)).join() === "b.txt,d.txt",
      20_000,
      "the source after the partial move",
    );
    await app.screenshot("move-partly-failed");

    cloud.setFaults(null);
    await tasks.getByRole("button", { name: "Retry failed" }).click();
    await until(
      async () => (await names_in(page)).join() === "d.txt",
      30_000,
      "the retried item to leave the source",
    );
    await failures.waitFor({ state: "detached" });
    await openTopFolder(page, /Local cloud/);
    await treeItem(mainTree(page), "Target").dblclick();
    await until(
      async () => (await names_in(page)).join() === "a.txt,b.txt,c.txt",
      20_000,
      "all three in the target",
    );
    await app.screenshot("move-retried");
  },
);
