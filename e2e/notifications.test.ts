import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "./support/app.ts";

/** Notifications the page showed, as "title | body" (the browser's own are replaced by a recorder that is allowed). */
const shownNotifications = () =>
  (window as unknown as { shownNotifications?: string[] }).shownNotifications ?? [];

test.describe("a sync folder that needs its user", () => {
  test.use({ locale: "zh-CN" });

  test("is told by a notification of the page, in the user's language", async ({ app, page }) => {
    test.skip(app.desktop !== undefined, "the desktop app notifies from its main process, not from the page");
    await page.addInitScript(() => {
      const shown: string[] = [];
      Object.assign(window, { shownNotifications: shown });
      class Recorder {
        static permission = "granted";
        static requestPermission = () => Promise.resolve("granted");
        onclick: (() => void) | null = null;
        constructor(title: string, options?: { body?: string }) {
          shown.push(`${title} | ${options?.body ?? ""}`);
        }
        close() {}
      }
      Object.assign(window, { Notification: Recorder });
    });
    await page.reload();

    const local = join(app.scratch, "报表");
    await mkdir(local);
    // Eight files in one folder go in one deletion (the guard weighs a pass's deletions together).
    await mkdir(join(local, "旧"));
    for (const name of ["一", "二", "三", "四", "五", "六", "七", "八"])
      await writeFile(join(local, "旧", `${name}.txt`), name);
    await writeFile(join(local, "留下.txt"), "留下");
    const [account] = await app.api("accounts.list", {});
    await app.api("pairs.add", {
      accountId: account!.id,
      localPath: local,
      remotePath: "/报表",
      deletePolicy: "mirror",
    });
    await page
      .getByRole("navigation", { name: "主导航" })
      .getByRole("button", { name: "同步文件夹" })
      .click();
    const card = page.getByRole("listitem", { name: `同步文件夹 ${local}` });
    await expect(card.getByText("已同步", { exact: true })).toBeVisible();

    await rm(join(local, "旧"), { recursive: true });
    await expect(card.getByText("等待你的确认", { exact: true })).toBeVisible();
    await expect
      .poll(() => page.evaluate(shownNotifications))
      .toEqual(["“报表”中有 8 项删除等待你确认 | 打开 docsync，选择也在云端删除，或在云端保留。"]);
  });
});
