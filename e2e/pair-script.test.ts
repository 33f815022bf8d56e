import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test, type App } from "./support/app.ts";
import { chooseLocalFolder, taskPanel, taskRow } from "./support/ui.ts";

const SCRIPT = 'console.log("budget checked by the folder")';

/** The names in a top folder of the local cloud's account, as the core lists them ([] before it exists). */
async function cloudFolderNames(app: App, name: string): Promise<string[]> {
  const [account] = await app.api("accounts.list", {});
  const { id: accountId, rootId } = account!;
  const folder = (await app.api("tree.list", { accountId, folderId: rootId })).entries.find(
    (e) => e.name === name,
  );
  if (!folder) return [];
  const { entries } = await app.api("tree.list", { accountId, folderId: folder.id });
  return entries.map((entry) => entry.name).sort();
}

test("a sync folder's script rule runs on each matching upload, its log in the task panel, and can be removed", async ({
  app,
  page,
}) => {
  const local = join(app.scratch, "Budgets");
  await mkdir(local);

  await page.getByRole("button", { name: "Sync folders" }).click();
  await page.getByRole("button", { name: "Add sync folder" }).first().click();
  const form = page.getByRole("form", { name: "Add sync folder" });
  await chooseLocalFolder(app, form, local);
  await form.getByRole("button", { name: "Start syncing" }).click();
  const card = page.getByRole("listitem", { name: `Sync folder ${local}` });
  await expect(card.getByText("In sync", { exact: true })).toBeVisible();

  await card.getByRole("button", { name: "Run a script after upload…" }).click();
  const dialog = page.getByRole("dialog", { name: "Script for Budgets" });
  await expect(dialog.getByLabel("Script")).toBeEditable();
  // The local cloud's account has its access token, so nothing asks for one.
  await expect(dialog.getByText(/has none yet/)).toHaveCount(0);
  await dialog.getByLabel("File extensions").fill(".XLSX");
  await dialog.getByLabel("Name (optional)").fill("check");
  await dialog.getByLabel("Script").fill(SCRIPT);
  await app.screenshot("pair-script-dialog");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByText("Runs check on .xlsx uploads")).toBeVisible();

  // Only the document with a listed extension runs the script.
  await writeFile(join(local, "notes.txt"), "not a sheet");
  await writeFile(join(local, "budget.xlsx"), "a small sheet");

  const title = 'Script "check" on budget.xlsx';
  const scriptRuns = async () =>
    (await app.api("tasks.snapshot", {})).tasks
      .filter((task) => task.kind === "script")
      .map((task) => ({ title: task.title, state: task.state, pairId: task.pairId }));
  const pairId = (await app.api("pairs.list", {})).find((p) => p.localPath === local)?.id;
  expect(pairId).toBeDefined();
  await expect.poll(scriptRuns).toEqual([{ title, state: "succeeded", pairId }]);

  // A run that ended unwatched goes to the panel's history.
  const tasks = taskPanel(page);
  await tasks.getByRole("button", { name: /^History/ }).click();
  await expect(tasks.getByRole("progressbar", { name: title })).toHaveAttribute("aria-valuetext", /Finished/);
  const task = taskRow(page, title);
  // The run names the upload that started it.
  await expect(task.getByText(/^After: Sync /)).toBeVisible();
  await task.getByRole("button", { name: /^Show log/ }).click();
  const log = tasks.getByRole("log", { name: `Log of ${title}` });
  await expect(log.locator(".log-line .log-text")).toContainText(["budget checked by the folder"]);
  await app.screenshot("pair-script-run");

  // Once notes.txt is in the cloud too, it still ran nothing.
  await expect.poll(() => cloudFolderNames(app, "Budgets")).toEqual(["budget.xlsx", "notes.txt"]);
  await expect(card.getByText("In sync", { exact: true })).toBeVisible();
  await expect.poll(scriptRuns).toEqual([{ title, state: "succeeded", pairId }]);

  // Reopened in a fresh page, it shows the rule and its script from the core; removing it takes the
  // line off the card.
  await page.reload();
  await page.getByRole("button", { name: "Sync folders" }).click();
  await card.getByRole("button", { name: "Run a script after upload…" }).click();
  await expect(dialog.getByLabel("File extensions")).toHaveValue("xlsx");
  await expect(dialog.getByLabel("Script")).toHaveValue(SCRIPT);
  await dialog.getByRole("button", { name: "Remove script" }).click();
  await expect(dialog).toBeHidden();
  await expect(card.getByText(/^Runs /)).toHaveCount(0);
  await expect
    .poll(async () => (await app.api("pairs.list", {})).find((p) => p.id === pairId)?.script)
    .toBeUndefined();
});
