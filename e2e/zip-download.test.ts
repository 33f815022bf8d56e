import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "./support/app.ts";
import {
  downloadZipInto,
  expectShownInFolder,
  mainTree,
  seedFiles,
  showAccount,
  taskPanel,
  taskRow,
  treeItem,
} from "./support/ui.ts";

const names = ["q1.txt", "q2.txt", "q3.txt", "notes.txt"];

test("three files selected on KooDrive and downloaded as a zip land in the chosen folder", async ({
  app,
  page,
}) => {
  const { cloud } = app;

  // The account is added the way a user does it: the form, KooDrive, its address and token.
  await page.getByRole("button", { name: "Accounts" }).click();
  await page.getByRole("button", { name: "Add account" }).first().click();
  const form = page.getByRole("form", { name: "Add account" });
  await form.getByRole("radio", { name: "Huawei KooDrive" }).check();
  await form.getByLabel("Name", { exact: true }).fill("Drive");
  await form.getByLabel("Service address").fill(cloud.url);
  await form.getByLabel("Access token").fill(await cloud.koodriveToken());
  await expect(form.getByLabel("App key", { exact: true })).toHaveCount(0);
  await expect(form.getByLabel("Access token")).toHaveAttribute("type", "password");
  await app.screenshot("koodrive-account-form");
  await form.getByRole("button", { name: "Add account" }).click();
  const card = page.getByRole("listitem", { name: "Account Drive" });
  await expect(card.getByText("Connected", { exact: true })).toBeVisible();

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
  for (const name of ["q2.txt", "q3.txt"]) await treeItem(tree, name).click({ modifiers: ["ControlOrMeta"] });
  await expect(page.getByText("3 items selected")).toBeVisible();
  const destination = join(app.scratch, "saved zips");
  await downloadZipInto(app, 3, destination);

  const tasks = taskPanel(page);
  await expect(page.getByText(/^Saved .*Reports\.zip$/)).toBeVisible();
  await tasks.getByRole("button", { name: /History/ }).click();
  await expect(tasks.getByRole("progressbar", { name: "Download 3 items as zip" })).toHaveAttribute(
    "aria-valuenow",
    "100",
  );
  const row = taskRow(page, "Download 3 items as zip");
  await expect(row.getByText("Reports.zip", { exact: true })).toBeVisible();
  const saved = join(destination, "Reports.zip");
  await expectShownInFolder(app, row, saved);

  expect(readdirSync(destination)).toEqual(["Reports.zip"]);
  const listing = execFileSync("unzip", ["-Z1", saved], { encoding: "utf8" });
  expect(listing.trim().split("\n").sort()).toEqual(["q1.txt", "q2.txt", "q3.txt"]);
  await app.screenshot("zip-download");
});
