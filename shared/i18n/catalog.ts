/** The shape every catalog follows (the English one's), and the keys code may name. */
import type { en } from "./en.ts";

/** The plural forms a language may lack (`Intl.PluralRules` categories other than "other"). */
type PluralForm = "zero" | "one" | "two" | "few" | "many";

/**
 * A catalog with the English one's keys: every key is required except plural forms other than
 * `_other`, which a language has only when its plural rules use them (Chinese has none).
 */
export type CatalogOf<T> = {
  [K in keyof T as K extends `${string}_${PluralForm}` ? never : K]: T[K] extends string
    ? string
    : CatalogOf<T[K]>;
} & {
  [K in keyof T as K extends `${string}_${PluralForm}` ? K : never]?: string;
};

export type Catalog = CatalogOf<typeof en>;

type Base<K extends string> = K extends `${infer B}_${PluralForm | "other"}` ? B : K;
type KeyOf<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${Base<K>}` : KeyOf<T[K], `${P}${K}.`>;
}[keyof T & string];

/** "pairs.title", "tasks.history" (a plural's key without its form). */
export type MessageKey = KeyOf<typeof en>;

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
  }
}
