/**
 * The renderer's language: the user's choice from the settings the core keeps, or else the
 * system's (the desktop's locale, then the browser's languages). The page's `lang` follows it, so
 * the fonts and line breaking are Chinese where the text is.
 */
import { createI18n, localized, sayPhrase, type Phrase } from "../shared/i18n/index.ts";
import { resolveLanguage, type Language, type LanguageChoice } from "../shared/i18n/language.ts";

const browserLanguages = (): readonly string[] =>
  typeof navigator === "undefined" ? [] : navigator.languages;

/** Shared by every component (through react-i18next) and by the stores. */
export const i18n = createI18n(resolveLanguage("system", browserLanguages()));

/** The language a choice means here; `systemLocale` is the desktop app's, when it runs there. */
export function languageFor(choice: LanguageChoice, systemLocale?: string): Language {
  return resolveLanguage(choice, [systemLocale, ...browserLanguages()]);
}

/** Switches the whole page to the language a choice means (components re-render through react-i18next). */
export function applyLanguage(choice: LanguageChoice, systemLocale?: string): void {
  const language = languageFor(choice, systemLocale);
  if (i18n.language !== language) void i18n.changeLanguage(language);
  if (typeof document !== "undefined") document.documentElement.lang = language;
}

/** What the core sent, in the user's language: its phrase when it has one, else its text as it is. */
export function said(text: string, phrase?: Phrase): string {
  return localized(i18n, text, phrase);
}

export function sayIt(phrase: Phrase): string {
  return sayPhrase(i18n, phrase);
}
