/**
 * A phrase: what the core says (an error, a task's title, a sync folder's state) as a catalog key
 * and its values, sent beside the English text it stands for. Each shell shows it in its user's
 * language; a value may itself be a phrase ("Refused: {{detail}}" around a file-system error).
 */
import { z } from "zod";

export type PhraseValue = string | number | Phrase;
export interface Phrase {
  key: string;
  params?: { [name: string]: PhraseValue };
}

export const Phrase: z.ZodType<Phrase> = z.lazy(() =>
  z.object({
    key: z.string().min(1).max(200),
    params: z.record(z.string().max(100), z.union([z.string().max(100_000), z.number(), Phrase])).optional(),
  }),
);

/** How a shell turns a key and plain values into words (an i18next `t`). */
export type Translate = (key: string, params: Record<string, string | number>) => string;

/** The phrase in words: nested phrases first, then the phrase itself. */
export function phraseText(translate: Translate, phrase: Phrase): string {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(phrase.params ?? {})) {
    params[name] = typeof value === "object" ? phraseText(translate, value) : value;
  }
  return translate(phrase.key, params);
}
