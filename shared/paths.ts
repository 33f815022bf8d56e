/** Paths as people read them. */

/** The last part of a folder's path ("Reports" for "/home/you/Reports/" or "C:\Reports"). */
export function folderName(path: string): string {
  return (
    path
      .replace(/[\\/]+$/, "")
      .split(/[\\/]/)
      .pop() || path
  );
}
