/** How a sync folder's script rule is typed in and shown: "xlsx, .CSV" in, ".xlsx, .csv" out. */
import { i18n } from "../i18n.ts";

/** The extensions typed in a field, split on commas or spaces, without dots, lowercase and once each. */
export function parseExtensions(text: string): string[] {
  const extensions: string[] = [];
  for (const part of text.split(/[\s,;]+/)) {
    const extension = part.replace(/^\.+/, "").toLowerCase();
    if (extension && !extensions.includes(extension)) extensions.push(extension);
  }
  return extensions;
}

/** Why the typed extensions cannot be saved, or null when they can. */
export function extensionsProblem(extensions: string[]): string | null {
  if (extensions.length === 0) return i18n.t("scripts.pair.noExtension");
  const bad = extensions.find((extension) => /[/\\]/.test(extension) || extension.length > 20);
  return bad ? i18n.t("scripts.pair.badExtension", { extension: bad }) : null;
}

/** ".xlsx, .csv" */
export function listExtensions(extensions: string[]): string {
  return extensions.map((extension) => `.${extension}`).join(", ");
}

/** The extensions as the field shows them again: "xlsx, csv". */
export function extensionsField(extensions: string[]): string {
  return extensions.join(", ");
}
