/**
 * docsync's own folder, the home (settings, the key that opens every stored credential, the journal,
 * the local cloud's documents), is never synced: no pair may hold it or sit inside it, and a pair
 * that holds it anyway (one made before this rule) never sees it.
 */
import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { ipcFailure } from "../ipc-error.ts";
import type { IgnoreMatcher } from "./ignore-rules.ts";
import { toRelative } from "./scan.ts";

/** The path and, when it differs (a linked folder on the way), where it really is. */
function forms(path: string): string[] {
  const plain = resolve(path);
  try {
    const real = realpathSync(plain);
    return real === plain ? [plain] : [plain, real];
  } catch {
    return [plain];
  }
}

/** `inner` relative to `outer` ("" for the same folder), or undefined when it is not inside. */
function within(outer: string, inner: string): string | undefined {
  const path = relative(outer, inner);
  if (path === "..") return undefined;
  return path.startsWith(`..${sep}`) || isAbsolute(path) ? undefined : path;
}

/** Throws invalid-input, saying why, when a pair at `localPath` would hold the home or sit in it. */
export function refusePairAroundHome(localPath: string, home: string | undefined): void {
  if (home === undefined) return;
  for (const local of forms(localPath)) {
    for (const own of forms(home)) {
      if (within(own, local) !== undefined) {
        throw ipcFailure(
          "invalid-input",
          `${localPath} is inside docsync's own folder ${home}; pair a folder outside it.`,
        );
      }
      if (within(local, own) !== undefined) {
        throw ipcFailure(
          "invalid-input",
          `${localPath} holds docsync's own folder ${home} (its settings, the key to its credentials and its journal); pair a folder that does not.`,
        );
      }
    }
  }
}

/** The pair's rules, plus the home when it lies inside the pair's folder. */
export function ignoringHome(rules: IgnoreMatcher, root: string, home: string | undefined): IgnoreMatcher {
  if (home === undefined) return rules;
  let inside: string | undefined;
  for (const local of forms(root)) for (const own of forms(home)) inside ??= within(local, own);
  if (inside === undefined) return rules;
  if (inside === "") return () => true;
  const path = toRelative(inside);
  return (relativePath, isDirectory) =>
    relativePath === path || relativePath.startsWith(`${path}/`) || rules(relativePath, isDirectory);
}
