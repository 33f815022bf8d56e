import { expect, test } from "./support/app.ts";

test("“Check with the service” runs the round trip and lists each step, with what differs from the contract", async ({
  app,
  page,
}) => {
  // The local cloud answers as a real service might: unknown status words, fields left out or added.
  await app.cloud.setQuirks({ unfamiliarAnswers: true });

  await page.getByRole("button", { name: "Accounts" }).click();
  const card = page.getByRole("listitem", { name: /^Account Local cloud/ });
  await card.getByRole("button", { name: "Check with the service" }).click();
  const report = card.getByRole("region", { name: /^Check of .* with the service$/ });
  await expect(report).toBeVisible();

  const steps = report.getByRole("listitem", { name: /: (OK|Failed|Skipped)$/ });
  await expect
    .poll(() => steps.evaluateAll((items) => items.map((item) => item.getAttribute("aria-label"))))
    .toEqual([
      "sign and list: OK",
      "create a folder: OK",
      "upload small files: OK",
      "batch move of two files: OK",
      "async upload of a staged file: OK",
      "script status: OK",
      "remove the folder and its files: OK",
    ]);
  const moveDifferences = report.getByRole("list", { name: "Differences in batch move of two files" });
  await expect(moveDifferences).toContainText(/answered data\.status "running", a value the contract/);
  await expect(report).toContainText(/The account works · \d+ answers differ from the contract/);
  const link = report.getByRole("link", { name: "Save the report (JSON)" });
  await expect(link).toHaveAttribute("download", /^docsync-check-.*\.json$/);
  await app.screenshot("account-check");
});
