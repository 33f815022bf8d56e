import { expect, test } from "vitest";
import type { PairView } from "../../shared/model.ts";
import { createI18n } from "../../shared/i18n/index.ts";
import { summarizeSync as summarizeIn } from "./sync-summary.ts";
import { idlePair as pair } from "../../shared/pair-view.fixture.ts";

const english = createI18n("en");
const summarizeSync = (pairs: PairView[]) => summarizeIn(pairs, english);

test("the tray says the most urgent thing about all pairs", () => {
  expect(summarizeSync([])).toEqual({ tone: "idle", text: "No folders synced" });
  expect(summarizeSync([pair({})])).toEqual({ tone: "idle", text: "Everything is in sync" });
  expect(summarizeSync([pair({}), pair({ state: "syncing", pendingFiles: 12 })])).toEqual({
    tone: "busy",
    text: "Syncing 12 files",
  });
  expect(summarizeSync([pair({ state: "degraded", message: "degraded: inotify limit reached" })])).toEqual({
    tone: "warn",
    text: "degraded: inotify limit reached",
  });
  expect(summarizeSync([pair({ state: "needs-confirmation" }), pair({ state: "syncing" })]).tone).toBe(
    "warn",
  );
  expect(summarizeSync([pair({ state: "error" }), pair({ state: "syncing" })])).toEqual({
    tone: "error",
    text: "1 of 2 folders failing",
  });
  expect(summarizeSync([pair({ issues: [{ path: "a", reason: "locked" }] })]).text).toBe(
    "1 file could not sync",
  );
});

test("the tray speaks the user's language", () => {
  const chinese = createI18n("zh-CN");
  expect(summarizeIn([pair({ state: "syncing", pendingFiles: 3 })], chinese)).toEqual({
    tone: "busy",
    text: "正在同步 3 个文件",
  });
  expect(summarizeIn([pair({ state: "error" }), pair({})], chinese).text).toBe("2 个文件夹中有 1 个出错");
});
