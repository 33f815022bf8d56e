/**
 * The desktop app's settings: electron-store over the same file, schema and migrations as the
 * command line's and the web shell's `conf` (electron-store is `conf` inside Electron).
 */
import ElectronStore from "electron-store";
import { settingsName, settingsOptions, type SettingsShape } from "../core/settings/schema.ts";
import { openSettingsStore, settingsFrom, type Settings } from "../core/settings/settings.ts";

export function openDesktopSettings(home: string): Settings {
  return settingsFrom(
    openSettingsStore(
      home,
      () => new ElectronStore<SettingsShape>({ ...settingsOptions(home), name: settingsName }),
    ),
  );
}
