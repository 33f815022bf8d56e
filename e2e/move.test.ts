import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchChromium } from "./support/browser.ts";
import { mainTree, openApp, prepareRenderer, treeItem, until, type AppUnderTest } from "./support/app.ts";

let browser: Browser;
beforeAll(async () => {
  await prepareRenderer();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => browser?.close());

const ROOT = "0";
const names = ["a.txt", "b.txt", "c.txt", "d.txt"];

/** Source (with four files) and an empty Target, made through the shell's API. */
async function seed(
  app: AppUnderTest,
): Promise<{ accountId: string; source: string; target: string; ids: Record<string, string> }> {
  const [account] = await app.api("accounts.list", {});
  const accountId = account!.id;
  const source = await app.api("tree.createFolder", { accountId, parentId: ROOT, name: "Source" });
  const target = await app.api("tree.createFolder", { accountId, parentId: ROOT, name: "Target" });
  const paths = [];
  for (const name of names) {
    const path = join(app.scratch, name);
    await writeFile(path, `content of ${name}\n`);
    paths.push(path);
  }
  const { taskIds } = await app.api("uploads.fromPaths", { accountId, folderId: source.id, paths });
  await until(
    async () => {
      const { tasks } = await app.api("tasks.snapshot", {});
      return taskIds.every((id) => tasks.find((t) => t.id === id)?.state === "succeeded");
    },
    20_000,
    "the seed uploads",
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

test("three files selected and moved with the dialog leave the source and appear in the target", async () => {
  const app = await openApp(browser);
  try {
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
    await page
      .getByRole("navigation", { name: "Folder path" })
      .getByRole("button", { name: /Local cloud/ })
      .click();
    await treeItem(tree, "Target").dblclick();
    await until(
      async () => (await names_in(page)).join() === "a.txt,b.txt,c.txt",
      20_000,
      "the target's files",
    );
    const tasks = page.getByRole("complementary", { name: "Tasks" });
    await tasks.getByRole("button", { name: /History/ }).click();
    expect(
      await tasks.getByRole("progressbar", { name: /^Move 3 items/ }).getAttribute("aria-valuenow"),
    ).toBe("100");
    await app.screenshot("move");
  } finally {
    await app.close();
  }
});

test("a move that partly fails under injected faults lists the failed item, and retrying it finishes the move", async () => {
  const app = await openApp(browser);
  try {
    const { page } = app;
    const { ids } = await seed(app);
    await page.reload();
    const cloud = app.shell.localCloud();
    if (!cloud) throw new Error("the web shell did not start the local cloud");
    // Every request about b.txt itself fails, so the move cannot check it; the others go through.
    cloud.setFaults({ errorRate: 1, pathPrefix: `/api/v1/openapi/appspace/files/${ids["b.txt"]}` });

    await selectAndMove(app, ["a.txt", "b.txt", "c.txt"]);
    const tasks = page.getByRole("complementary", { name: "Tasks" });
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
    await page
      .getByRole("navigation", { name: "Folder path" })
      .getByRole("button", { name: /Local cloud/ })
      .click();
    await treeItem(mainTree(page), "Target").dblclick();
    await until(
      async () => (await names_in(page)).join() === "a.txt,b.txt,c.txt",
      20_000,
      "all three in the target",
    );
    await app.screenshot("move-retried");
  } finally {
    await app.close();
  }
});
