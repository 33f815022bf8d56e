/** Which language docsync speaks: the user's choice, or else the first of the system's it knows. */
import { z } from "zod";

export const languages = ["en", "zh-CN"] as const;
export type Language = (typeof languages)[number];

/** What the settings page offers: a language, or "follow the system". */
export const LanguageChoice = z.enum(["system", ...languages]);
export type LanguageChoice = z.infer<typeof LanguageChoice>;

/** "zh_CN.UTF-8", "zh-Hans-CN", "en-US", "C" → a language docsync speaks, or undefined. */
export function languageOf(tag: string): Language | undefined {
  const base = tag.trim().split(/[.@]/)[0]!.replace(/_/g, "-").toLowerCase();
  if (base === "c" || base === "posix") return "en";
  const [primary] = base.split("-");
  // Readers of Traditional Chinese are better served by Simplified than by English.
  if (primary === "zh") return "zh-CN";
  if (primary === "en") return "en";
  return undefined;
}

/** The first of the user's languages, in their order of preference, that docsync speaks (else English). */
export function pickLanguage(candidates: readonly (string | undefined)[]): Language {
  for (const candidate of candidates) {
    const language = candidate ? languageOf(candidate) : undefined;
    if (language) return language;
  }
  return "en";
}

/** The language a choice means: "system" follows the system's languages. */
export function resolveLanguage(choice: LanguageChoice, system: readonly (string | undefined)[]): Language {
  return choice === "system" ? pickLanguage(system) : choice;
}

/**
 * The command line's languages from its environment, as gettext reads them: LC_ALL, else LC_MESSAGES,
 * else LANG names the locale; GNU's LANGUAGE (a colon-separated list) comes first unless the locale
 * is C or POSIX.
 */
export function languagesFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  const plain = locale === "" || /^(c|posix)([.@]|$)/i.test(locale);
  const list = !plain && env.LANGUAGE ? env.LANGUAGE.split(":").filter(Boolean) : [];
  return [...list, ...(locale ? [locale] : [])];
}
