import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { mainTree, seedFiles, showAccount, taskPanel, treeItem, useApps } from "./support/app.ts";

const appTest = useApps();

const names = ["q1.txt", "q2.txt", "q3.txt", "notes.txt"];

appTest("three files selected on KooDrive and downloaded as a zip land in the chosen folder", async (app) => {
  const { page } = app;
  const cloud = app.localCloud();

  // The account is added the way a user does it: the form, KooDrive, its address and token.
  await page.getByRole("button", { name: "Accounts" }).click();
  await page.getByRole("button", { name: "Add account" }).first().click();
  const form = page.getByRole("form", { name: "Add account" });
  await form.getByRole("radio", { name: "Huawei KooDrive" }).check();
  await form.getByLabel("Name", { exact: true }).fill("Drive");
  await form.getByLabel("Service address").fill(cloud.url);
  await form.getByLabel("Access token").fill(await cloud.koodriveToken());
  expect(await form.getByLabel("App key", { exact: true }).count()).toBe(0);
  expect(await form.getByLabel("Access token").getAttribute("type")).toBe("password");
  await app.screenshot("koodrive-account-form");
  await form.getByRole("button", { name: "Add account" }).click();
  const card = page.getByRole("listitem", { name: "Account Drive" });
  await card.getByText("Connected", { exact: true }).waitFor();

  const account = (await app.api("accounts.list", {})).find((a) => a.name === "Drive")!;
  expect(account.capabilities.zipDownload).toBe(true);
  const folder = await app.api("tree.createFolder", {
    accountId: account.id,
    parentId: account.rootId,
    name: "Reports",
  });
  await seedFiles(
    app,
    { accountId: account.id, folderId: folder.id },
    Object.fromEntries(names.map((name) => [name, `${name}\n`.repeat(200)])),
  );

  await showAccount(page, /Drive/);
  const tree = mainTree(page);
  await treeItem(tree, "Reports").dblclick();
  await treeItem(tree, "q1.txt").click();
  for (const name of ["q2.txt", "q3.txt"]) await treeItem(tree, name).click({ modifiers: ["Control"] });
  await page.getByText("3 items selected").waitFor();
  await page.getByRole("button", { name: "Download as zip" }).click();

  const dialog = page.getByRole("dialog", { name: "Download 3 items as zip" });
  const field = dialog.getByLabel("Save in folder");
  expect(await field.inputValue()).toBe("~/Downloads");
  const destination = join(app.scratch, "saved zips");
  await field.fill(destination);
  await app.screenshot("zip-download-dialog");
  await dialog.getByRole("button", { name: "Download" }).click();
  await dialog.waitFor({ state: "detached" });

  const tasks = taskPanel(page);
  await page.getByText(/^Saved .*Reports\.zip$/).waitFor({ timeout: 30_000 });
  await tasks.getByRole("button", { name: /History/ }).click();
  const bar = tasks.getByRole("progressbar", { name: "Download 3 items as zip" });
  expect(await bar.getAttribute("aria-valuenow")).toBe("100");
  const row = tasks
    .locator(".task")
    .filter({ has: page.getByRole("progressbar", { name: "Download 3 items as zip" }) });
  await row.getByText("Reports.zip", { exact: true }).waitFor();
  await row.getByRole("button", { name: "Show in folder" }).click();
  const shownPath = row.getByLabel("Where Reports.zip was saved");
  expect(await shownPath.textContent()).toBe(join(destination, "Reports.zip"));

  expect(readdirSync(destination)).toEqual(["Reports.zip"]);
  const listing = execFileSync("unzip", ["-Z1", join(destination, "Reports.zip")], { encoding: "utf8" });
  expect(listing.trim().split("\n").sort()).toEqual(["q1.txt", "q2.txt", "q3.txt"]);
  await app.screenshot("zip-download");
});
