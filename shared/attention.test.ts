import { describe, expect, it } from "vitest";
import { attentionNotices } from "./attention.ts";
import { createI18n, sayPhrase } from "./i18n/index.ts";
import { idlePair as pair } from "./pair-view.fixture.ts";

const chinese = createI18n("zh-CN");
const said = (notices: ReturnType<typeof attentionNotices>) =>
  notices.map((n) => [n.kind, sayPhrase(chinese, n.title), sayPhrase(chinese, n.body)]);

describe("when a sync folder needs its user", () => {
  it("tells of deletions held back, a file set aside, a used-up quota and a watcher that gave up", () => {
    const before = [pair()];
    expect(
      said(attentionNotices(before, [pair({ state: "needs-confirmation", pendingDeletes: 40 })])),
    ).toEqual([
      ["deletes-held", "“Reports”中有 40 项删除等待你确认", "打开 docsync，选择也在云端删除，或在云端保留。"],
    ]);
    const issue = {
      path: "a.xlsx",
      reason: "Too large: 2 GB",
      reasonPhrase: { key: "errors.cloud.tooLarge", params: { detail: "2 GB" } },
      nextRetryAt: 1,
    };
    expect(said(attentionNotices(before, [pair({ issues: [issue] })]))).toEqual([
      ["quarantined", "“Reports”中有 1 个文件无法同步", "a.xlsx：太大：2 GB"],
    ]);
    expect(attentionNotices(before, [pair({ state: "waiting-quota" })]).map((n) => n.kind)).toEqual([
      "quota",
    ]);
    const degraded = pair({
      state: "degraded",
      message: "degraded: too many open files; rescanning periodically",
      messagePhrase: { key: "core.pair.degraded", params: { reason: "too many open files" } },
    });
    expect(said(attentionNotices(before, [degraded]))).toEqual([
      ["degraded", "“Reports”未被完整监视", "监视受限：too many open files；会定期重新扫描"],
    ]);
  });

  it("tells each thing once, not again while it lasts, and nothing for a pair it sees first", () => {
    const held = pair({ state: "needs-confirmation", pendingDeletes: 40 });
    expect(attentionNotices([held], [{ ...held, pendingDeletes: 41 }])).toEqual([]);
    expect(attentionNotices([], [held])).toEqual([]);
    const issue = { path: "a.xlsx", reason: "x", nextRetryAt: 1 };
    expect(attentionNotices([pair({ issues: [issue] })], [pair({ issues: [issue] })])).toEqual([]);
    // A failure that is not set aside (no retry time) is on the card, not worth a notification.
    expect(attentionNotices([pair()], [pair({ issues: [{ path: "b", reason: "x" }] })])).toEqual([]);
  });
});
