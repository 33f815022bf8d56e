import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { taskPanel, until, useApps } from "./support/app.ts";

const appTest = useApps();

const SCRIPT = 'console.log("budget checked by the folder")';

appTest(
  "a sync folder's script rule runs on each matching upload, its log in the task panel, and can be removed",
  async (app) => {
    const { page } = app;
    const local = join(app.scratch, "Budgets");
    await mkdir(local);

    await page.getByRole("button", { name: "Sync folders" }).click();
    await page.getByRole("button", { name: "Add sync folder" }).first().click();
    const form = page.getByRole("form", { name: "Add sync folder" });
    await form.getByLabel("Local folder").fill(local);
    await form.getByRole("button", { name: "Start syncing" }).click();
    const card = page.getByRole("listitem", { name: `Sync folder ${local}` });
    await card.getByText("In sync", { exact: true }).waitFor({ timeout: 20_000 });

    await card.getByRole("button", { name: "Run a script after upload…" }).click();
    const dialog = page.getByRole("dialog", { name: "Script for Budgets" });
    await dialog.waitFor();
    // The local cloud's account has its access token, so nothing asks for one.
    expect(await dialog.getByText(/has none yet/).count()).toBe(0);
    await dialog.getByLabel("File extensions").fill(".XLSX");
    await dialog.getByLabel("Name (optional)").fill("check");
    await dialog.getByLabel("Script").fill(SCRIPT);
    await app.screenshot("pair-script-dialog");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await card.getByText("Runs check on .xlsx uploads").waitFor();

    // Only the document with a listed extension runs the script.
    await writeFile(join(local, "notes.txt"), "not a sheet");
    await writeFile(join(local, "budget.xlsx"), "a small sheet");

    const title = 'Script "check" on budget.xlsx';
    const run = await until(
      async () => {
        const { tasks } = await app.api("tasks.snapshot", {});
        const found = tasks.find((t) => t.kind === "script" && t.title === title);
        return found && found.state !== "queued" && found.state !== "running" && found;
      },
      30_000,
      "the folder's script to end",
    );
    expect(run.state).toBe("succeeded");
    // A run that ended unwatched goes to the panel's history.
    const tasks = taskPanel(page);
    await tasks.getByRole("button", { name: /^History/ }).click();
    const bar = tasks.getByRole("progressbar", { name: title });
    expect(await bar.getAttribute("aria-valuetext")).toContain("Finished");
    const task = tasks.locator(".task", { has: page.getByRole("progressbar", { name: title }) });
    // The run names the upload that started it.
    await task.getByText(/^After: Sync /).waitFor();
    await task.getByRole("button", { name: /^Show log/ }).click();
    const log = tasks.getByRole("log", { name: `Log of ${title}` });
    expect(await log.locator(".log-line .log-text").allTextContents()).toContain(
      "budget checked by the folder",
    );
    await app.screenshot("pair-script-run", { settled: true });

    await card.getByText("In sync", { exact: true }).waitFor({ timeout: 20_000 });
    const { tasks: all } = await app.api("tasks.snapshot", {});
    const pairId = (await app.api("pairs.list", {})).find((p) => p.localPath === local)?.id;
    expect(pairId).toBeDefined();
    const scripts = all.filter((t) => t.kind === "script");
    expect(scripts.map((t) => [t.title, t.pairId])).toEqual([[title, pairId]]);

    // Reopened in a fresh page, it shows the rule and its script from the core; removing it takes the
    // line off the card.
    await page.reload();
    await page.getByRole("button", { name: "Sync folders" }).click();
    await card.getByRole("button", { name: "Run a script after upload…" }).click();
    await dialog.waitFor();
    await dialog.getByText("Loading the saved script…").waitFor({ state: "detached" });
    expect(await dialog.getByLabel("File extensions").inputValue()).toBe("xlsx");
    expect(await dialog.getByLabel("Script").inputValue()).toBe(SCRIPT);
    await dialog.getByRole("button", { name: "Remove script" }).click();
    await dialog.waitFor({ state: "detached" });
    await card.getByText(/^Runs /).waitFor({ state: "detached" });
    expect((await app.api("pairs.list", {})).find((p) => p.id === pairId)?.script).toBeUndefined();
  },
);
