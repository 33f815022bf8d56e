/**
 * When a sync folder needs its user: deletions held back by the mass-delete guard, files set aside
 * after failing (quarantined), a used-up daily quota, a folder watcher that gave up. Each shell that
 * can reach its user (the desktop app's notifications, the web page's) tells them through this one
 * rule, on the change from one view of the pairs to the next.
 */
import type { MessageKey } from "./i18n/catalog.ts";
import type { Phrase } from "./i18n/phrase.ts";
import type { PairView } from "./model.ts";
import { folderName } from "./paths.ts";

export interface AttentionNotice {
  pairId: string;
  kind: "deletes-held" | "quarantined" | "quota" | "degraded";
  title: Phrase;
  body: Phrase;
}

const phrase = (key: MessageKey, params: Phrase["params"]): Phrase => ({ key, params });

/**
 * What changed for the worse between two views of the pairs. A pair seen for the first time says
 * nothing: what it already needed when the shell started is on its card, not worth a notification.
 */
export function attentionNotices(before: readonly PairView[], after: readonly PairView[]): AttentionNotice[] {
  const previous = new Map(before.map((pair) => [pair.id, pair]));
  const notices: AttentionNotice[] = [];
  for (const pair of after) {
    const was = previous.get(pair.id);
    if (!was) continue;
    const folder = folderName(pair.localPath);
    const notice = (kind: AttentionNotice["kind"], title: Phrase, body: Phrase) =>
      notices.push({ pairId: pair.id, kind, title, body });
    if (pair.pendingDeletes > 0 && was.pendingDeletes === 0) {
      notice(
        "deletes-held",
        phrase("notify.deletesHeld", { count: pair.pendingDeletes, folder }),
        phrase("notify.deletesHeldBody", {}),
      );
    }
    const known = new Set(was.issues.map((issue) => issue.path));
    const quarantined = pair.issues.filter(
      (issue) => issue.nextRetryAt !== undefined && !known.has(issue.path),
    );
    const first = quarantined[0];
    if (first) {
      notice(
        "quarantined",
        phrase("notify.quarantined", { count: quarantined.length, folder }),
        phrase("notify.quarantinedBody", { path: first.path, reason: first.reasonPhrase ?? first.reason }),
      );
    }
    if (pair.state === "waiting-quota" && was.state !== "waiting-quota") {
      notice("quota", phrase("notify.quota", { folder }), phrase("notify.quotaBody", {}));
    }
    if (pair.state === "degraded" && was.state !== "degraded") {
      const reason = pair.messagePhrase ?? pair.message;
      notice("degraded", phrase("notify.degraded", { folder }), phrase("notify.degradedBody", { reason }));
    }
  }
  return notices;
}
