/** The main process's words: the language of the settings, or the system's when they say "system". */
import { createI18n, type I18n } from "../../shared/i18n/index.ts";
import { resolveLanguage } from "../../shared/i18n/language.ts";
import type { Preferences } from "../../shared/model.ts";

/** A getter that follows a change of language with the next call (one i18next instance per language). */
export function desktopWords(systemLocale: string, preferences: () => Preferences): () => I18n {
  let i18n: I18n | undefined;
  return () => {
    const language = resolveLanguage(preferences().language, [systemLocale]);
    if (i18n?.language !== language) i18n = createI18n(language);
    return i18n;
  };
}
