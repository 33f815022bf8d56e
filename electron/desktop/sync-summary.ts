/** One line and one colour for the tray: the state of every sync pair together, in the user's language. */
import { localized, translator, type I18n } from "../../shared/i18n/index.ts";
import type { MessageKey } from "../../shared/i18n/catalog.ts";
import type { PairView } from "../../shared/model.ts";

export type SyncTone = "idle" | "busy" | "warn" | "error";

export function summarizeSync(pairs: readonly PairView[], i18n: I18n): { tone: SyncTone; text: string } {
  const say = translator(i18n);
  const t = (key: MessageKey, values: Record<string, string | number> = {}) => say(key, values);
  if (pairs.length === 0) return { tone: "idle", text: t("tray.noFolders") };
  const failing = pairs.filter((p) => p.state === "error");
  if (failing.length > 0)
    return { tone: "error", text: t("tray.failing", { failing: failing.length, total: pairs.length }) };
  const asking = pairs.filter((p) => p.state === "needs-confirmation");
  if (asking.length > 0) return { tone: "warn", text: t("tray.confirm") };
  const degraded = pairs.filter((p) => ["degraded", "waiting-quota", "waiting-journal"].includes(p.state));
  const busy = pairs.filter((p) => p.state === "syncing" || p.state === "scanning");
  if (busy.length > 0) {
    const files = busy.reduce((n, p) => n + p.pendingFiles, 0);
    return { tone: "busy", text: files > 0 ? t("tray.syncingFiles", { count: files }) : t("tray.syncing") };
  }
  const first = degraded[0];
  if (first) {
    const message = first.message ? localized(i18n, first.message, first.messagePhrase) : t("tray.degraded");
    return { tone: "warn", text: message };
  }
  const issues = pairs.reduce((n, p) => n + p.issues.length, 0);
  if (issues > 0) return { tone: "warn", text: t("tray.couldNotSync", { count: issues }) };
  const toSend = pairs.reduce((n, p) => n + p.toSend, 0);
  if (toSend > 0) return { tone: "busy", text: t("tray.toSend", { count: toSend }) };
  if (pairs.every((p) => p.state === "paused")) return { tone: "idle", text: t("tray.paused") };
  return { tone: "idle", text: t("tray.inSync") };
}
