/** The tray icon: a dot in the colour of the sync state, the state in words, and a way back to the window. */
import { Menu, nativeImage, Tray, type NativeImage } from "electron";
import type { I18n } from "../../shared/i18n/index.ts";
import type { SyncTone } from "./sync-summary.ts";

const colours: Record<SyncTone, [number, number, number]> = {
  idle: [18, 161, 80],
  busy: [47, 102, 246],
  warn: [196, 112, 10],
  error: [217, 45, 32],
};

/** A 32×32 anti-aliased disc, drawn here so the app ships no image files. */
function disc(tone: SyncTone): NativeImage {
  const size = 32;
  const [r, g, b] = colours[tone];
  const pixels = Buffer.alloc(size * size * 4);
  const centre = (size - 1) / 2;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const distance = Math.hypot(x - centre, y - centre);
      const alpha = Math.max(0, Math.min(1, 12.5 - distance));
      const at = (y * size + x) * 4;
      // BGRA, premultiplied.
      pixels[at] = Math.round(b * alpha);
      pixels[at + 1] = Math.round(g * alpha);
      pixels[at + 2] = Math.round(r * alpha);
      pixels[at + 3] = Math.round(255 * alpha);
    }
  }
  return nativeImage.createFromBitmap(pixels, { width: size, height: size, scaleFactor: 2 });
}

export interface SyncTray {
  show(state: { tone: SyncTone; text: string }): void;
  destroy(): void;
}

/** `i18n` gives the current language's words (the menu follows a change with the next state shown). */
export function createSyncTray(actions: { open(): void; quit(): void }, i18n: () => I18n): SyncTray {
  const tray = new Tray(disc("idle"));
  let last = "";
  const show: SyncTray["show"] = ({ tone, text }) => {
    const words = i18n();
    const key = `${tone}:${text}:${words.language}`;
    if (key === last) return;
    last = key;
    tray.setImage(disc(tone));
    tray.setToolTip(words.t("tray.tooltip", { text }));
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: text, enabled: false },
        { type: "separator" },
        { label: words.t("tray.open"), click: actions.open },
        { label: words.t("tray.quit"), click: actions.quit },
      ]),
    );
  };
  tray.on("click", actions.open);
  show({ tone: "idle", text: i18n().t("tray.starting") });
  return { show, destroy: () => tray.destroy() };
}
