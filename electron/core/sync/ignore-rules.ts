/** Which paths a pair never syncs: built-in junk plus the pair's `.docsyncignore` (gitignore syntax). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ignore from "ignore";

export const ignoreFileName = ".docsyncignore";

/** Editor locks, OS metadata and temporary files that are never worth uploading. */
export const builtInJunk = [".DS_Store", "Thumbs.db", "~$*", ".~lock.*", "*.tmp", "*.swp", ".git/"];

/** True when the relative path (with `/` separators) must not be synced. */
export type IgnoreMatcher = (relativePath: string, isDirectory: boolean) => boolean;

export function junkMatcher(): IgnoreMatcher {
  const rules = ignore().add(builtInJunk);
  return (path, isDirectory) => rules.ignores(isDirectory ? `${path}/` : path);
}

/** Reads the pair's rules now; call again after `.docsyncignore` changes. */
export function loadIgnoreRules(root: string): IgnoreMatcher {
  const rules = ignore().add(builtInJunk);
  try {
    rules.add(readFileSync(join(root, ignoreFileName), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return (path, isDirectory) => rules.ignores(isDirectory ? `${path}/` : path);
}
