import type { Page } from "playwright/test";
import { expect, test } from "./support/app.ts";

/** Whether the page drew text with the Chinese font that ships with the app (not a system fallback). */
const chineseFontLoaded = (page: Page) =>
  page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].some(
      (font) => font.family.includes("Noto Sans SC") && font.status === "loaded",
    );
  });

test.describe("a browser that reads Chinese", () => {
  test.use({ locale: "zh-CN" });

  test("sees every page in Chinese with the app's own Chinese font, and the settings page switches to English for good", async ({
    app,
    page,
  }) => {
    const nav = page.getByRole("navigation", { name: "主导航" });
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    const tour = page.getByRole("region", { name: "导览" });
    await expect(tour).toContainText("初次使用？花一分钟，用一个示例文件夹看看所有功能。");
    await expect.poll(() => chineseFontLoaded(page)).toBe(true);
    await app.screenshot("zh-CN-files");

    await tour.getByRole("button", { name: "开始导览" }).click();
    const tourDialog = page.getByRole("dialog", { name: "花一分钟了解 docsync" });
    await expect(tourDialog.getByText("示例文件夹位于")).toBeVisible();
    await app.screenshot("zh-CN-tour");
    await tourDialog.getByRole("button", { name: "关闭" }).first().click();
    await expect(tourDialog).toBeHidden();

    await nav.getByRole("button", { name: "同步文件夹" }).click();
    await expect(page.getByRole("heading", { name: "同步文件夹", exact: true })).toBeVisible();
    await page.getByRole("button", { name: "添加同步文件夹" }).first().click();
    await expect(page.getByLabel("本地文件夹")).toBeVisible();
    await app.screenshot("zh-CN-pairs-add");

    await nav.getByRole("button", { name: "活动" }).click();
    await expect(page.getByRole("heading", { name: "活动", exact: true })).toBeVisible();
    await app.screenshot("zh-CN-activity");

    await nav.getByRole("button", { name: "账号" }).click();
    await expect(page.getByRole("heading", { name: "账号", exact: true })).toBeVisible();
    await expect(page.getByRole("listitem", { name: /^账号“Local cloud/ })).toContainText("本地云");
    await app.screenshot("zh-CN-accounts");

    await nav.getByRole("button", { name: "设置" }).click();
    const language = page.getByLabel("语言");
    await expect(language).toHaveValue("system");
    await expect(language.locator("option:checked")).toHaveText("跟随系统（简体中文）");
    await app.screenshot("zh-CN-settings");

    await language.selectOption("en");
    await expect(page.getByRole("heading", { name: "Settings", exact: true })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    // The choice is kept with the settings, so it outlives the page and wins over the browser's language.
    await expect.poll(async () => (await app.api("settings.get", {})).language).toBe("en");
    await page.reload();
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Settings" }),
    ).toBeVisible();
    await expect(page.getByText("初次使用？")).toHaveCount(0);
  });
});

test("an English browser sees English, and choosing Chinese on the settings page turns every page Chinese", async ({
  app,
  page,
}) => {
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("region", { name: "Tour" })).toContainText("New here?");
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Settings" }).click();
  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "设置", exact: true })).toBeVisible();
  await page.getByRole("navigation", { name: "主导航" }).getByRole("button", { name: "同步文件夹" }).click();
  await expect(page.getByText("还没有同步任何文件夹")).toBeVisible();
  await expect.poll(() => chineseFontLoaded(page)).toBe(true);
  await app.screenshot("zh-CN-pairs-empty");
});
