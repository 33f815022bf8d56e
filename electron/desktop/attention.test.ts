import { describe, expect, it } from "vitest";
import type { PairView, Preferences } from "../../shared/model.ts";
import { createAttentionNotifier } from "./attention.ts";

const pair = (pendingDeletes: number): PairView => ({
  id: "p1",
  accountId: "a1",
  localPath: "/home/you/报表",
  remotePath: "/报表",
  deletePolicy: "mirror",
  state: pendingDeletes > 0 ? "needs-confirmation" : "idle",
  message: "",
  pendingFiles: 0,
  toSend: 0,
  pendingDeletes,
  issues: [],
});

function notifier(preferences: Partial<Preferences>, systemLocale = "zh-CN") {
  const shown: string[] = [];
  const notify = createAttentionNotifier({
    systemLocale,
    preferences: { language: "system", notifications: true, tourDone: true, ...preferences },
    show: ({ title }) => shown.push(title),
    open: () => {},
  });
  return { notify, shown };
}

describe("the desktop app's notifications", () => {
  it("tell of held deletions in the system's language, once they happen after the start", () => {
    const { notify, shown } = notifier({});
    notify.pairsChanged([pair(0)]);
    notify.pairsChanged([pair(12)]);
    expect(shown).toEqual(["“报表”中有 12 项删除等待你确认"]);
  });

  it("speak the language chosen in the settings, and stay quiet when turned off", () => {
    const { notify, shown } = notifier({ language: "en" });
    notify.pairsChanged([pair(0)]);
    notify.pairsChanged([pair(3)]);
    notify.preferencesChanged({ language: "en", notifications: false, tourDone: true });
    notify.pairsChanged([pair(0)]);
    notify.pairsChanged([pair(5)]);
    expect(shown).toEqual(["3 deletions in 报表 wait for you"]);
  });
});
