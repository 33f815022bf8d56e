import type { Locator } from "playwright/test";
import { expect, test, type App } from "./support/app.ts";
import { localFiles, mainTree, seedFiles, showAccount, taskPanel, taskRow, treeItem } from "./support/ui.ts";

const DOCUMENT = "report.xlsx";
/** More lines than the log shows at once, so following its end matters. */
const STEPS = Array.from({ length: 14 }, (_, i) => `step ${i + 1}`);
/** Fourteen lines 150 ms apart (the third a warning), then a cell written: its value is the result. */
const STREAMING_SCRIPT = [
  ...STEPS.flatMap((step, i) => [
    i === 2 ? `console.warn("${step}")` : `console.log("${step}")`,
    ...(i < STEPS.length - 1 ? ["Time.sleep(150)"] : []),
  ]),
  'Application.Range("A1").Value = "filled by " + "docsync"',
].join("\n");

/** Uploads a document through the toolbar's file picker and answers its entry in the tree. */
async function uploadDocument(app: App): Promise<Locator> {
  const { page } = app;
  await expect(page.getByText("This folder is empty")).toBeVisible();
  await page
    .getByLabel("Files to upload")
    .setInputFiles(await localFiles(app, { [DOCUMENT]: "a small sheet" }));
  const item = treeItem(mainTree(page), DOCUMENT);
  await expect(item).toBeVisible();
  return item;
}

/** "Run script…" from the document's context menu. */
async function openRunScript(app: App, item: Locator, shot?: string): Promise<Locator> {
  const { page } = app;
  await item.click({ button: "right" });
  const menu = page.getByRole("menu", { name: `Actions for ${DOCUMENT}` });
  await expect(menu).toBeVisible();
  if (shot) await app.screenshot(shot);
  await menu.getByRole("menuitem", { name: "Run script…" }).click();
  const dialog = page.getByRole("dialog", { name: `Run script on ${DOCUMENT}` });
  await expect(dialog).toBeVisible();
  return dialog;
}

const VIEWS = "e2eLogViews";

/**
 * Records every state the task panel shows of a log's "step" lines, from before the script starts, so
 * no state is missed however fast the lines come.
 */
async function recordLogViews(app: App, title: string): Promise<() => Promise<string[][]>> {
  await taskPanel(app.page).evaluate(
    (panel, { label, key }) => {
      const views: string[][] = [];
      const record = () => {
        const log = Array.from(panel.querySelectorAll('[role="log"]')).find(
          (element) => element.getAttribute("aria-label") === label,
        );
        const steps = Array.from(
          log?.querySelectorAll(".log-line .log-text") ?? [],
          (line) => line.textContent ?? "",
        ).filter((text) => text.startsWith("step "));
        if (views.at(-1)?.join("\n") !== steps.join("\n")) views.push(steps);
      };
      new MutationObserver(record).observe(panel, { childList: true, subtree: true, characterData: true });
      Object.assign(window, { [key]: views });
    },
    { label: `Log of ${title}`, key: VIEWS },
  );
  return () => app.page.evaluate((key) => (window as unknown as Record<string, string[][]>)[key]!, VIEWS);
}

test("a script's log streams into its task bar line by line, then its result shows", async ({
  app,
  page,
}) => {
  const dialog = await openRunScript(app, await uploadDocument(app), "script-menu");
  // A working example is there to start from.
  await expect(dialog.getByLabel("Script")).toHaveValue(/Application\.Range\("A1"\)/);
  await dialog.getByLabel("Script").fill(STREAMING_SCRIPT);
  await dialog.getByLabel("Name (optional)").fill("fill");
  const title = `Script "fill" on ${DOCUMENT}`;
  const views = await recordLogViews(app, title);
  await dialog.getByRole("button", { name: "Run" }).click();
  await expect(dialog).toBeHidden();

  const tasks = taskPanel(page);
  const log = tasks.getByRole("log", { name: `Log of ${title}` });
  await expect(log.getByText("step 2", { exact: true })).toBeVisible();
  await app.screenshot("script-running");
  const result = tasks.getByRole("status", { name: `Result of ${title}` });
  await expect(result.locator("code")).toHaveText("filled by docsync");

  const seen = await views();
  // Every state of the log while it ran was the script's lines so far: in order, none twice.
  for (const steps of seen) expect(steps).toEqual(STEPS.slice(0, steps.length));
  // The lines came in while it ran, not all at once at the end.
  expect(seen.filter((steps) => steps.length > 0 && steps.length < STEPS.length).length).toBeGreaterThan(1);

  await expect(log.locator(".log-line .log-text", { hasText: /^step / })).toHaveText(STEPS);
  const warning = log.locator(".log-line", { hasText: /step 3$/ });
  await expect(warning).toHaveClass(/log-warn/);
  await expect(warning.locator(".log-level")).toHaveText("warn");
  // Every line has its time, to the millisecond.
  await expect(log.locator(".log-line:not(:has(time))")).toHaveCount(0);
  await expect(
    log.locator(".log-line time").filter({ hasNotText: /^\d{2}:\d{2}:\d{2}\.\d{3}$/ }),
  ).toHaveCount(0);
  // The log is taller than its box, and the newest line is in view: it followed the end.
  await expect
    .poll(() =>
      log.evaluate((el) => ({
        overflows: el.scrollHeight > el.clientHeight,
        atEnd: el.scrollHeight - el.scrollTop - el.clientHeight <= 1,
      })),
    )
    .toEqual({ overflows: true, atEnd: true });

  const bar = tasks.getByRole("progressbar", { name: title });
  await expect(bar).toHaveAttribute("aria-valuenow", "100");
  await expect(bar).toHaveAttribute("aria-valuetext", /Finished/);
  await app.screenshot("script-run");
});

test("a script with an unknown statement fails with an error that names the line", async ({ app, page }) => {
  const item = await uploadDocument(app);
  // The toolbar offers it too, once exactly one document is selected.
  const toolbarButton = page.getByRole("toolbar", { name: "File actions" }).getByRole("button", {
    name: "Run script…",
  });
  await expect(toolbarButton).toHaveCount(0);
  await item.click();
  await toolbarButton.click();
  const dialog = page.getByRole("dialog", { name: `Run script on ${DOCUMENT}` });
  await dialog.getByLabel("Script").fill('console.log("before")\nsheet.clear()\nconsole.log("after")');
  await dialog.getByRole("button", { name: "Run" }).click();

  const title = `Script on ${DOCUMENT}`;
  const task = taskRow(page, title);
  await expect(task.locator(".task-error")).toHaveText(
    "The script failed: line 2: unsupported statement: sheet.clear()",
  );
  const log = taskPanel(page).getByRole("log", { name: `Log of ${title}` });
  await expect(log.getByText("before", { exact: true })).toBeVisible();
  await expect(log.getByText("after", { exact: true })).toHaveCount(0);
  await expect(log.locator(".log-line").last()).toHaveClass(/log-error/);
  await expect(task.getByRole("status")).toHaveCount(0);
  await app.screenshot("script-error");
});

test("the account's access token is write-only, and a refused one is explained when a script runs", async ({
  app,
  page,
}) => {
  const item = await uploadDocument(app);
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Accounts" }).click();
  const tokenForm = page.getByRole("form", { name: /^Access token of / });
  // The local cloud's account came with its token: the page says so without showing it.
  await expect(tokenForm.getByText("Set", { exact: true })).toBeVisible();
  const field = tokenForm.getByLabel("Personal-space access token");
  await expect(field).toHaveValue("");
  await field.fill("not-the-token");
  await tokenForm.getByRole("button", { name: "Replace" }).click();
  await expect(page.getByText(/^Access token saved for /)).toBeVisible();
  await expect(field).toHaveValue("");

  await showAccount(page, /sandbox/);
  const dialog = await openRunScript(app, item);
  await dialog.getByRole("button", { name: "Run" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(/refused the user access token/);
  await app.screenshot("script-token-refused");
});

test("without an access token, Run script says one is needed and leads to the account page to set it", async ({
  app,
  page,
}) => {
  // A KDocs account added without the personal-space token (the local cloud's own account has one).
  const { cloud } = app;
  const team = await app.api("accounts.add", {
    kind: "kdocs",
    name: "Team space",
    baseUrl: cloud.url,
    appId: cloud.appId,
    appKey: cloud.appKey,
  });
  await seedFiles(app, { accountId: team.id, folderId: team.rootId }, { [DOCUMENT]: "a small sheet" });

  await showAccount(page, /Team space/);
  const dialog = await openRunScript(app, treeItem(mainTree(page), DOCUMENT));
  await expect(dialog.getByText(/has none yet/)).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Run" })).toBeDisabled();
  await app.screenshot("script-needs-token");

  await dialog.getByRole("button", { name: /Set the access token/ }).click();
  await expect(dialog).toBeHidden();
  const tokenForm = page.getByRole("form", { name: "Access token of Team space" });
  await expect(tokenForm.getByText("Not set", { exact: true })).toBeVisible();
  await tokenForm.getByLabel("Personal-space access token").fill(cloud.scriptsAccessToken);
  await tokenForm.getByRole("button", { name: "Save token" }).click();
  await expect(tokenForm.getByText("Set", { exact: true })).toBeVisible();
  await app.screenshot("script-account-token");

  // With the token, the same document's script runs to its end.
  await showAccount(page, /Team space/);
  const ready = await openRunScript(app, treeItem(mainTree(page), DOCUMENT));
  await ready.getByRole("button", { name: "Run" }).click();
  await expect(ready).toBeHidden();
  await expect(taskPanel(page).getByRole("progressbar", { name: `Script on ${DOCUMENT}` })).toHaveAttribute(
    "aria-valuetext",
    /Finished/,
  );
});
