/**
 * docsync's words in every language it speaks, through i18next: one instance per shell (the
 * renderer, the command line, the desktop's main process) and one in English for the core's plain
 * text. Catalogs and this small set-up live in shared/, so every layer reads the same ones.
 */
import i18next, { type i18n as I18n } from "i18next";
import { en } from "./en.ts";
import { formatBytes, formatDuration, formatTime } from "./format.ts";
import { languages, type Language } from "./language.ts";
import type { MessageKey } from "./catalog.ts";
import { phraseText, type Phrase } from "./phrase.ts";
import { zhCN } from "./zh-CN.ts";

export type { I18n, MessageKey, Phrase };
export { languages, type Language };

export const catalogs: Record<Language, typeof en | typeof zhCN> = { en, "zh-CN": zhCN };

/** An i18next instance speaking `language`, ready at once (the catalogs are in the bundle). */
export function createI18n(language: Language): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng: language,
    fallbackLng: "en",
    supportedLngs: [...languages],
    load: "currentOnly",
    resources: Object.fromEntries(languages.map((lng) => [lng, { translation: catalogs[lng] }])),
    // React escapes what it renders, and the command line prints text as it is.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnEmptyString: false,
  });
  const formatter = instance.services.formatter;
  formatter?.add("bytes", (value: number, lng) => formatBytes(value, lng ?? language));
  formatter?.add("duration", (value: number, lng) => formatDuration(value, lng ?? language));
  formatter?.add("time", (value: number, lng) => formatTime(value, lng ?? language));
  return instance;
}

/** `t` for a key and values, as the phrase helpers want it. */
export function translator(i18n: I18n): (key: string, params: Record<string, string | number>) => string {
  return (key, params) => i18n.t(key as MessageKey, params) as string;
}

/** A phrase from the core in the instance's language. */
export function sayPhrase(i18n: I18n, phrase: Phrase): string {
  return phraseText(translator(i18n), phrase);
}

/** Words that are a phrase (said in the instance's language) or plain text (shown as it is). */
export function sayWords(i18n: I18n, words: string | Phrase): string {
  return typeof words === "string" ? words : sayPhrase(i18n, words);
}

/** What the core sent: its phrase in the instance's language when it has one, else its text as it is. */
export function localized(i18n: I18n, text: string, phrase: Phrase | undefined): string {
  return phrase ? sayPhrase(i18n, phrase) : text;
}
