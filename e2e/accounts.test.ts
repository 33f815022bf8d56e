import { expect } from "vitest";
import { useApps } from "./support/app.ts";

const appTest = useApps();

appTest(
  "an account with a wrong key is refused with the reason; with the right key it is connected",
  async (app) => {
    const { page } = app;
    const cloud = app.localCloud();

    await page.getByRole("button", { name: "Accounts" }).click();
    const sandbox = page.getByRole("listitem", { name: /^Account Local cloud/ });
    await sandbox.getByText("Local cloud", { exact: true }).waitFor();

    await page.getByRole("button", { name: "Add account" }).first().click();
    const form = page.getByRole("form", { name: "Add account" });
    await form.getByLabel("Name", { exact: true }).fill("Team space");
    await form.getByLabel("Service address").fill(cloud.url);
    await form.getByLabel("App ID", { exact: true }).fill(cloud.appId);
    await form.getByLabel("App key", { exact: true }).fill("not-the-key");
    expect(await form.getByLabel("App key", { exact: true }).getAttribute("type")).toBe("password");
    await form.getByRole("button", { name: "Add account" }).click();
    const refusal = form.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/app key is wrong/i);
    await app.screenshot("account-refused");

    await form.getByLabel("App key", { exact: true }).fill(cloud.appKey);
    await form.getByRole("button", { name: "Add account" }).click();
    const card = page.getByRole("listitem", { name: "Account Team space" });
    await card.getByText("Connected", { exact: true }).waitFor();
    // The key is write-only: nothing on the page shows it.
    expect(await page.content()).not.toContain(cloud.appKey);

    await card.getByRole("button", { name: "Test connection" }).click();
    await card.getByText("Connected", { exact: true }).waitFor();
    await app.screenshot("accounts");

    await page.getByRole("button", { name: "Activity" }).click();
    await page.getByRole("heading", { name: "Activity" }).waitFor();
    await app.screenshot("activity");
  },
);
