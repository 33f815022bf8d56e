/**
 * Names for files and folders. The pools are small on purpose: names collide across folders and
 * rounds (a move into a folder that holds the old name, a name freed and taken again), and they
 * carry what names carry in real folders: spaces, CJK, emoji, and `#%&+'()`.
 */
import type { Rng } from "./prng.ts";

export const FILE_NAMES = [
  "a.txt",
  "b.txt",
  "x.txt",
  "y.txt",
  "notes.md",
  "report 2024.docx",
  "文件.txt",
  "报告 (最终).docx",
  "😀.txt",
  "🚀 launch.md",
  "#1.txt",
  "50% off.txt",
  "R&D+QA.xlsx",
  "it's (copy).txt",
  "a b c.txt",
  "README",
] as const;

export const FOLDER_NAMES = [
  "A",
  "B",
  "docs",
  "my folder",
  "资料",
  "📁 photos",
  "#tag",
  "R&D+QA",
  "(old) 50%",
  "it's",
] as const;

export interface NamePools {
  files: readonly string[];
  folders: readonly string[];
}

/** Characters outside the Basic Multilingual Plane (emoji): two UTF-16 units, one code point. */
export const hasAstral = (name: string): boolean => /[\u{10000}-\u{10FFFF}]/u.test(name);

/** The pools, with or without emoji in folder names. */
export function namePools(emojiFolders: boolean): NamePools {
  return { files: FILE_NAMES, folders: FOLDER_NAMES.filter((n) => emojiFolders || !hasAstral(n)) };
}

/** A name from the pool that is not in `taken`, or a numbered one when the pool is used up there. */
export function freeName(rng: Rng, pool: readonly string[], taken: readonly string[]): string {
  const free = pool.filter((n) => !taken.includes(n));
  if (free.length > 0) return rng.pick(free);
  for (let i = 2; ; i++) {
    const base = rng.pick(pool);
    const dot = base.lastIndexOf(".");
    const name = dot > 0 ? `${base.slice(0, dot)} ${i}${base.slice(dot)}` : `${base} ${i}`;
    if (!taken.includes(name)) return name;
  }
}

/** A temporary name for swaps and cycles, as a user would pick it (not one the engine ignores). */
export function tempName(taken: readonly string[]): string {
  for (let i = 0; ; i++) {
    const name = i === 0 ? "t" : `t${i}`;
    if (!taken.includes(name)) return name;
  }
}
