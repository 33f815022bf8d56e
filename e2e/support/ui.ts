/**
 * What the specs find and do in the UI. A few steps differ by shell (the desktop app asks the system
 * for folders and opens the file manager; the web shell asks in the page): they live here, so the
 * specs read the same in both.
 */
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Locator, Page } from "playwright/test";
import { expect, type App } from "./app.ts";

/** Opens an account's files from the main navigation. */
export async function showAccount(page: Page, name: RegExp): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name }).click();
}

/** Goes back to the top folder of the open account through the folder path. */
export async function openTopFolder(page: Page, accountName: RegExp): Promise<void> {
  await page
    .getByRole("navigation", { name: "Folder path" })
    .getByRole("button", { name: accountName })
    .click();
}

export function taskPanel(page: Page): Locator {
  return page.getByRole("complementary", { name: "Tasks" });
}

/** The main folder tree (not the one in the move dialog). */
export function mainTree(page: Page): Locator {
  return page.getByRole("tree", { name: /^Files in / });
}

export function treeItem(scope: Page | Locator, name: string): Locator {
  return scope.getByRole("treeitem", { name, exact: true });
}

/** The names a tree shows, in order: `await expect(treeNames(tree)).toHaveText([...])`. */
export function treeNames(tree: Locator): Locator {
  return tree.getByRole("treeitem").locator(".tree-label");
}

/** An entry's size cell; its title holds the exact size ("1,234 bytes"). */
export function sizeOf(item: Locator): Locator {
  return item.locator(".tree-size");
}

/** A task's row in the task panel, found by its progress bar's name. */
export function taskRow(page: Page, title: string | RegExp): Locator {
  return taskPanel(page)
    .locator(".task")
    .filter({ has: page.getByRole("progressbar", { name: title }) });
}

/** Writes files into the test's scratch folder and answers their paths. */
export async function localFiles(app: App, files: Record<string, string | Buffer>): Promise<string[]> {
  const paths: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(app.scratch, name);
    await writeFile(path, content);
    paths.push(path);
  }
  return paths;
}

/** Uploads files into a cloud folder through the core and waits until every upload succeeded. */
export async function seedFiles(
  app: App,
  target: { accountId: string; folderId: string },
  files: Record<string, string>,
): Promise<void> {
  const paths = await localFiles(app, files);
  const { taskIds } = await app.api("uploads.fromPaths", { ...target, paths });
  await expect
    .poll(async () => {
      const { tasks } = await app.api("tasks.snapshot", {});
      return taskIds.map((id) => tasks.find((task) => task.id === id)?.state);
    })
    .toEqual(taskIds.map(() => "succeeded"));
}

const DROP_PICKER = "e2e-dropped-files";

/** Drops files of this computer onto an element, as a drag from the file manager does. */
export async function dropFiles(page: Page, target: Locator, paths: string[]): Promise<void> {
  // Files picked through an input are backed by the files on disk, as dropped ones are in both shells.
  await page.evaluate((id) => {
    const picker = document.createElement("input");
    Object.assign(picker, { id, type: "file", multiple: true, hidden: true });
    document.body.append(picker);
  }, DROP_PICKER);
  await page.locator(`#${DROP_PICKER}`).setInputFiles(paths);
  const data = await page.evaluateHandle((id) => {
    const picker = document.getElementById(id) as HTMLInputElement;
    const transfer = new DataTransfer();
    for (const file of Array.from(picker.files ?? [])) transfer.items.add(file);
    picker.remove();
    return transfer;
  }, DROP_PICKER);
  for (const type of ["dragenter", "dragover", "drop"])
    await target.dispatchEvent(type, { dataTransfer: data });
  await data.dispose();
}

/** Sets the local folder of the "Add sync folder" form: typed in the web shell, chosen in the system's dialog on the desktop. */
export async function chooseLocalFolder(app: App, form: Locator, path: string): Promise<void> {
  const field = form.getByLabel("Local folder");
  if (app.desktop) {
    await app.desktop.answerFolderDialog(path);
    await form.getByRole("button", { name: "Choose…" }).click();
  } else {
    await field.fill(path);
  }
  await expect(field).toHaveValue(path);
}

/**
 * "Download as zip" for the selected items, saved into `folder`: the desktop app asks the system for
 * the folder, the web shell asks in a dialog that starts at ~/Downloads.
 */
export async function downloadZipInto(app: App, items: number, folder: string): Promise<void> {
  const { page } = app;
  if (app.desktop) await app.desktop.answerFolderDialog(folder);
  await page.getByRole("button", { name: "Download as zip" }).click();
  if (app.desktop) return;
  const dialog = page.getByRole("dialog", { name: `Download ${items} items as zip` });
  const field = dialog.getByLabel("Save in folder");
  await expect(field).toHaveValue("~/Downloads");
  await field.fill(folder);
  await app.screenshot("zip-download-dialog");
  await dialog.getByRole("button", { name: "Download" }).click();
  await expect(dialog).toBeHidden();
}

/** "Show in folder" on a saved file shows where it is: the desktop app in the file manager, the web shell as its path. */
export async function expectShownInFolder(app: App, row: Locator, path: string): Promise<void> {
  await row.getByRole("button", { name: "Show in folder" }).click();
  const desktop = app.desktop;
  if (desktop) await expect.poll(() => desktop.shownInFileManager()).toEqual([path]);
  else await expect(row.getByLabel(`Where ${basename(path)} was saved`)).toHaveText(path);
}
