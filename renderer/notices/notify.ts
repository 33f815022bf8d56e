/**
 * The web page's notifications: when a sync folder needs the user (see shared/attention.ts), the
 * browser tells them, once they allowed it and left notifications on in the settings. The desktop
 * app's main process does the same with the system's notifications, so its page stays quiet.
 */
import { useEffect } from "react";
import { attentionNotices } from "../../shared/attention.ts";
import { sayIt } from "../i18n.ts";
import { usePairs } from "../stores/pairs.ts";
import { useSettings } from "../stores/settings.ts";
import { useUi } from "../stores/ui.ts";

/** Whether this browser can show notifications at all. */
export const canNotify = (): boolean => typeof Notification !== "undefined";

export function useAttentionNotices(): void {
  const web = useUi((s) => s.info?.shell === "web");
  const wanted = useSettings((s) => s.preferences?.notifications === true);
  useEffect(() => {
    if (!web || !wanted || !canNotify()) return;
    return usePairs.subscribe((state, previous) => {
      // The first list after a start (or a reconnect's snapshot from nothing) is not a change.
      if (!previous.loaded || Notification.permission !== "granted") return;
      for (const notice of attentionNotices(previous.pairs, state.pairs)) {
        const shown = new Notification(sayIt(notice.title), {
          body: sayIt(notice.body),
          tag: `${notice.pairId}:${notice.kind}`,
        });
        shown.onclick = () => {
          window.focus();
          useUi.getState().show("pairs");
        };
      }
    });
  }, [web, wanted]);
}
