/** One line and one colour for the tray: the state of every sync pair together. */
import type { PairView } from "../../shared/model.ts";

export type SyncTone = "idle" | "busy" | "warn" | "error";

export function summarizeSync(pairs: readonly PairView[]): { tone: SyncTone; text: string } {
  if (pairs.length === 0) return { tone: "idle", text: "No folders synced" };
  const failing = pairs.filter((p) => p.state === "error");
  if (failing.length > 0)
    return { tone: "error", text: `${failing.length} of ${pairs.length} folders failing` };
  const asking = pairs.filter((p) => p.state === "needs-confirmation");
  if (asking.length > 0) return { tone: "warn", text: "Waiting for you to confirm deletions" };
  const degraded = pairs.filter((p) => ["degraded", "waiting-quota", "waiting-journal"].includes(p.state));
  const busy = pairs.filter((p) => p.state === "syncing" || p.state === "scanning");
  if (busy.length > 0) {
    const files = busy.reduce((n, p) => n + p.pendingFiles, 0);
    return { tone: "busy", text: files > 0 ? `Syncing ${files} file${files === 1 ? "" : "s"}` : "Syncing" };
  }
  if (degraded.length > 0) return { tone: "warn", text: degraded[0]!.message || "Degraded" };
  const issues = pairs.reduce((n, p) => n + p.issues.length, 0);
  if (issues > 0) return { tone: "warn", text: `${issues} file${issues === 1 ? "" : "s"} could not sync` };
  const toSend = pairs.reduce((n, p) => n + p.toSend, 0);
  if (toSend > 0) return { tone: "busy", text: `${toSend} file${toSend === 1 ? "" : "s"} to send` };
  if (pairs.every((p) => p.state === "paused")) return { tone: "idle", text: "Paused" };
  return { tone: "idle", text: "Everything is in sync" };
}
