/** The error that means "you typed it wrong" (exit 2); the help itself is in the catalogs (cli.help). */
import { inEnglish, type Words } from "../core/words.ts";

export class UsageError extends Error {
  override name = "UsageError";
  /** What went wrong, as a phrase when the catalogs have one (shown in the user's language). */
  readonly words: Words;
  constructor(words: Words) {
    super(inEnglish(words));
    this.words = words;
  }
}
