import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { createFakeCore, fakeAccount } from "./support/fake-core.ts";
import {
  mainTree,
  showAccount,
  taskPanel,
  treeItem,
  until,
  useApps,
  type AppUnderTest,
} from "./support/app.ts";

const appTest = useApps();

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

/** Uploads a document through the toolbar's file picker and waits for it in the tree. */
async function uploadDocument(page: Page): Promise<Locator> {
  await page.getByText("This folder is empty").waitFor();
  await page.getByLabel("Files to upload").setInputFiles({
    name: DOCUMENT,
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: Buffer.from("a small sheet"),
  });
  const item = treeItem(mainTree(page), DOCUMENT);
  await item.waitFor({ timeout: 30_000 });
  return item;
}

/** "Run script…" from the document's context menu. */
async function openRunScript(app: AppUnderTest, item: Locator, shot?: string): Promise<Locator> {
  const { page } = app;
  await item.click({ button: "right" });
  const menu = page.getByRole("menu", { name: `Actions for ${DOCUMENT}` });
  await menu.waitFor();
  if (shot) await app.screenshot(shot);
  await menu.getByRole("menuitem", { name: "Run script…" }).click();
  const dialog = page.getByRole("dialog", { name: `Run script on ${DOCUMENT}` });
  await dialog.waitFor();
  return dialog;
}

/** The texts of a log's lines as shown, in order. */
function shownLines(log: Locator): Promise<string[]> {
  return log.locator(".log-line .log-text").allTextContents();
}

appTest("a script's log streams into its task bar line by line, then its result shows", async (app) => {
  const { page } = app;
  const dialog = await openRunScript(app, await uploadDocument(page), "script-menu");
  // A working example is there to start from.
  expect(await dialog.getByLabel("Script").inputValue()).toContain('Application.Range("A1")');
  await dialog.getByLabel("Script").fill(STREAMING_SCRIPT);
  await dialog.getByLabel("Name (optional)").fill("fill");
  await dialog.getByRole("button", { name: "Run" }).click();
  await dialog.waitFor({ state: "detached" });

  const title = `Script "fill" on ${DOCUMENT}`;
  const tasks = taskPanel(page);
  const log = tasks.getByRole("log", { name: `Log of ${title}` });
  await log.waitFor();

  // Every view of the log while it runs is the script's lines so far: in order, none twice.
  const seen: string[][] = [];
  let shotWhileRunning = false;
  const result = tasks.getByRole("status", { name: `Result of ${title}` });
  await until(
    async () => {
      const steps = (await shownLines(log)).filter((text) => text.startsWith("step "));
      expect(steps).toEqual(STEPS.slice(0, steps.length));
      if (seen.at(-1)?.length !== steps.length) {
        seen.push(steps);
        // The first view with a few lines but not all, for a look at the log while it runs.
        if (!shotWhileRunning && steps.length >= 2 && steps.length < STEPS.length) {
          shotWhileRunning = true;
          await app.screenshot("script-running");
        }
      }
      return result.isVisible();
    },
    30_000,
    "the script's result",
  );
  // The lines came in while it ran, not all at once at the end.
  expect(seen.filter((steps) => steps.length > 0 && steps.length < STEPS.length).length).toBeGreaterThan(1);

  expect(await result.locator("code").textContent()).toBe("filled by docsync");
  const lines = await shownLines(log);
  expect(lines.filter((text) => text.startsWith("step "))).toEqual(STEPS);
  const warning = log.locator(".log-line", { hasText: /^.*step 3$/ });
  expect(await warning.getAttribute("class")).toContain("log-warn");
  expect(await warning.locator(".log-level").textContent()).toBe("warn");
  const times = await log.locator(".log-line time").allTextContents();
  expect(times.length).toBe(lines.length);
  for (const time of times) expect(time).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}$/);
  // The log is taller than its box, and the newest line is in view: it followed the end.
  const box = await log.evaluate((el) => ({
    overflows: el.scrollHeight > el.clientHeight,
    atEnd: el.scrollHeight - el.scrollTop - el.clientHeight <= 1,
  }));
  expect(box).toEqual({ overflows: true, atEnd: true });

  const bar = tasks.getByRole("progressbar", { name: title });
  expect(await bar.getAttribute("aria-valuenow")).toBe("100");
  expect(await bar.getAttribute("aria-valuetext")).toContain("Finished");
  await app.screenshot("script-run", { settled: true });
});

appTest("a script with an unknown statement fails with an error that names the line", async (app) => {
  const { page } = app;
  const item = await uploadDocument(page);
  // The toolbar offers it too, once exactly one document is selected.
  const toolbarButton = page.getByRole("toolbar", { name: "File actions" }).getByRole("button", {
    name: "Run script…",
  });
  expect(await toolbarButton.count()).toBe(0);
  await item.click();
  await toolbarButton.click();
  const dialog = page.getByRole("dialog", { name: `Run script on ${DOCUMENT}` });
  await dialog.getByLabel("Script").fill('console.log("before")\nsheet.clear()\nconsole.log("after")');
  await dialog.getByRole("button", { name: "Run" }).click();

  const title = `Script on ${DOCUMENT}`;
  const tasks = taskPanel(page);
  const task = tasks.locator(".task", { has: page.getByRole("progressbar", { name: title }) });
  const error = task.locator(".task-error");
  await error.waitFor({ timeout: 30_000 });
  expect(await error.textContent()).toBe("The script failed: line 2: unsupported statement: sheet.clear()");
  const log = tasks.getByRole("log", { name: `Log of ${title}` });
  const lines = await shownLines(log);
  expect(lines).toContain("before");
  expect(lines).not.toContain("after");
  expect(await log.locator(".log-line").last().getAttribute("class")).toContain("log-error");
  expect(await task.getByRole("status").count()).toBe(0);
  await app.screenshot("script-error", { settled: true });
});

appTest(
  "the account's access token is write-only, and a refused one is explained when a script runs",
  async (app) => {
    const { page } = app;
    const item = await uploadDocument(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Accounts" }).click();
    const tokenForm = page.getByRole("form", { name: /^Access token of / });
    // The local cloud's account came with its token: the page says so without showing it.
    await tokenForm.getByText("Set", { exact: true }).waitFor();
    const field = tokenForm.getByLabel("Personal-space access token");
    expect(await field.inputValue()).toBe("");
    await field.fill("not-the-token");
    await tokenForm.getByRole("button", { name: "Replace" }).click();
    await page.getByText(/^Access token saved for /).waitFor();
    expect(await field.inputValue()).toBe("");

    await showAccount(page, /sandbox/);
    const dialog = await openRunScript(app, item);
    await dialog.getByRole("button", { name: "Run" }).click();
    const alert = dialog.getByRole("alert");
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toMatch(/refused the user access token/);
    await app.screenshot("script-token-refused", { settled: true });
  },
);

// A KDocs account without a token: the local cloud's account always has one.
const tokenless = createFakeCore({
  folders: {
    [fakeAccount.rootId]: [
      {
        id: "doc-1",
        name: DOCUMENT,
        kind: "file",
        parentId: fakeAccount.rootId,
        size: 2048,
        mtime: 1_700_000_000,
        version: 1,
      },
    ],
  },
});

appTest(
  "without an access token, Run script says one is needed and leads to the account page to set it",
  async (app) => {
    const { page } = app;
    const dialog = await openRunScript(app, treeItem(mainTree(page), DOCUMENT));
    await dialog.getByText(/has none yet/).waitFor();
    expect(await dialog.getByRole("button", { name: "Run" }).isDisabled()).toBe(true);
    await app.screenshot("script-needs-token", { settled: true });

    await dialog.getByRole("button", { name: /Set the access token/ }).click();
    await dialog.waitFor({ state: "detached" });
    const tokenForm = page.getByRole("form", { name: "Access token of Team space" });
    await tokenForm.getByText("Not set", { exact: true }).waitFor();
    await tokenForm.getByLabel("Personal-space access token").fill("user-token-1");
    await tokenForm.getByRole("button", { name: "Save token" }).click();
    await tokenForm.getByText("Set", { exact: true }).waitFor();
    await app.screenshot("script-account-token");
    expect(
      tokenless.calls.filter((c) => c.channel === "accounts.setAccessToken").map((c) => c.input),
    ).toEqual([{ accountId: "acc-1", accessToken: "user-token-1" }]);

    await showAccount(page, /Team space/);
    const ready = await openRunScript(app, treeItem(mainTree(page), DOCUMENT));
    await ready.getByRole("button", { name: "Run" }).click();
    await ready.waitFor({ state: "detached" });
    const run = tokenless.calls.find((c) => c.channel === "scripts.run");
    expect(run?.input).toMatchObject({ accountId: "acc-1", fileId: "doc-1" });
  },
  { core: tokenless },
);
