/** Which paths a pair never syncs: built-in junk plus the pair's `.docsyncignore` (gitignore syntax). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ignore, { type Ignore } from "ignore";

export const ignoreFileName = ".docsyncignore";

/** Editor locks, OS metadata and temporary files that are never worth uploading. */
export const builtInJunk = [".DS_Store", "Thumbs.db", "~$*", ".~lock.*", "*.tmp", "*.swp", ".git/"];

/** True when the relative path (with `/` separators) must not be synced. */
export type IgnoreMatcher = (relativePath: string, isDirectory: boolean) => boolean;

/**
 * `ignore` remembers the answer for every path it was asked about, which for a walk of 100,000
 * files is 100,000 entries kept as long as the rules live: the rules are rebuilt (cheap) every few
 * thousand questions to bound that.
 */
function matcherOf(build: () => Ignore): IgnoreMatcher {
  let rules = build();
  let asked = 0;
  return (path, isDirectory) => {
    if (++asked % 4096 === 0) rules = build();
    return rules.ignores(isDirectory ? `${path}/` : path);
  };
}

export function junkMatcher(): IgnoreMatcher {
  return matcherOf(() => ignore().add(builtInJunk));
}

/** Reads the pair's rules now; call again after `.docsyncignore` changes. */
export function loadIgnoreRules(root: string): IgnoreMatcher {
  let own = "";
  try {
    own = readFileSync(join(root, ignoreFileName), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return matcherOf(() => ignore().add(builtInJunk).add(own));
}
