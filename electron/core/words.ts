/**
 * What the core says to people. A message is a phrase (a catalog key and its values) so that every
 * shell can show it in its user's language; the core sends its English text beside it, for logs,
 * the JSON a script reads, and shells that show text as it is. Words without a phrase (a service's
 * own message, a file name) are plain strings and are shown as they are.
 */
import { createI18n, type MessageKey } from "../../shared/i18n/index.ts";
import { phraseText, type Phrase, type PhraseValue } from "../../shared/i18n/phrase.ts";

export type { Phrase };

/** A phrase, or plain words that no catalog translates. */
export type Words = string | Phrase;

const english = createI18n("en");
const inEnglishT = (key: string, params: Record<string, string | number>) =>
  english.t(key as MessageKey, params) as string;

/** A phrase of the catalog (`key` is checked against the English catalog when the code compiles). */
export function say(key: MessageKey, params?: Record<string, PhraseValue>): Phrase {
  return params ? { key, params } : { key };
}

export function inEnglish(words: Words): string {
  return typeof words === "string" ? words : phraseText(inEnglishT, words);
}

export function phraseOf(words: Words): Phrase | undefined {
  return typeof words === "string" ? undefined : words;
}

/** A text and its phrase as the views carry them: `{ [field]: text, [field + "Phrase"]: phrase }`. */
export function told<F extends string>(
  field: F,
  words: Words,
): { [K in F]: string } & { [K in `${F}Phrase`]?: Phrase } {
  const phrase = phraseOf(words);
  return { [field]: inEnglish(words), ...(phrase ? { [`${field}Phrase`]: phrase } : {}) } as {
    [K in F]: string;
  } & { [K in `${F}Phrase`]?: Phrase };
}
