/**
 * The desktop app's notifications when a sync folder needs the user (shared/attention.ts says when),
 * in the language of the settings or the system, unless the user turned them off. Electron's
 * `Notification` is handed in, so this is tested without Electron.
 */
import { attentionNotices } from "../../shared/attention.ts";
import { sayPhrase } from "../../shared/i18n/index.ts";
import type { PairView, Preferences } from "../../shared/model.ts";
import { desktopWords } from "./words.ts";

export interface AttentionNotifier {
  /** The pairs as the core announced them; the first call only sets what later ones compare with. */
  pairsChanged(pairs: PairView[]): void;
  preferencesChanged(preferences: Preferences): void;
}

export function createAttentionNotifier(deps: {
  /** Electron's `app.getLocale()`. */
  systemLocale: string;
  preferences: Preferences;
  /** Shows one notification (Electron's `Notification`); `open` brings the window to the sync folders. */
  show(notification: { title: string; body: string; open(): void }): void;
  open(): void;
}): AttentionNotifier {
  let preferences = deps.preferences;
  let previous: PairView[] | undefined;
  const speaker = desktopWords(deps.systemLocale, () => preferences);
  return {
    pairsChanged(pairs) {
      const before = previous;
      previous = pairs;
      if (!before || !preferences.notifications) return;
      for (const notice of attentionNotices(before, pairs)) {
        const words = speaker();
        deps.show({
          title: sayPhrase(words, notice.title),
          body: sayPhrase(words, notice.body),
          open: deps.open,
        });
      }
    },
    preferencesChanged(next) {
      preferences = next;
    },
  };
}
