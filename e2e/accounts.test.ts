import { expect, test } from "./support/app.ts";

test("an account with a wrong key is refused with the reason; with the right key it is connected", async ({
  app,
  page,
}) => {
  const { cloud } = app;

  await page.getByRole("button", { name: "Accounts" }).click();
  const sandbox = page.getByRole("listitem", { name: /^Account Local cloud/ });
  await expect(sandbox.getByText("Local cloud", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Add account" }).first().click();
  const form = page.getByRole("form", { name: "Add account" });
  const key = form.getByLabel("App key", { exact: true });
  await form.getByLabel("Name", { exact: true }).fill("Team space");
  await form.getByLabel("Service address").fill(cloud.url);
  await form.getByLabel("App ID", { exact: true }).fill(cloud.appId);
  await key.fill("not-the-key");
  await expect(key).toHaveAttribute("type", "password");
  await form.getByRole("button", { name: "Add account" }).click();
  await expect(form.getByRole("alert")).toHaveText(/app key is wrong/i);
  await app.screenshot("account-refused");

  await key.fill(cloud.appKey);
  await form.getByRole("button", { name: "Add account" }).click();
  const card = page.getByRole("listitem", { name: "Account Team space" });
  await expect(card.getByText("Connected", { exact: true })).toBeVisible();
  // The key is write-only: once the form that held it has closed, nothing on the page shows it.
  await expect(form).toBeHidden();
  await expect(page.locator("body")).not.toContainText(cloud.appKey);
  await expect(page.locator(`[value="${cloud.appKey}"]`)).toHaveCount(0);

  // "Test connection" asks the service again: a service that fails is reported, and the next test clears it.
  const status = card.locator(".account-top .status");
  await cloud.setFaults({ errorRate: 1 });
  await card.getByRole("button", { name: "Test connection" }).click();
  await expect(status).toHaveText("Not connected");
  await expect(card.getByRole("alert")).toHaveText(/.+/);
  await cloud.setFaults(null);
  await card.getByRole("button", { name: "Test connection" }).click();
  await expect(status).toHaveText("Connected");
  await expect(card.getByRole("alert")).toHaveCount(0);
  await app.screenshot("accounts");

  await page.getByRole("button", { name: "Activity" }).click();
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  await app.screenshot("activity");
});
