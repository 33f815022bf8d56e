/**
 * `shell.showInFolder`: shows a saved file, or a folder, selected in its parent in the file manager.
 * It only ever reveals: opening a path the renderer names could run it (a macOS `.app` is a folder).
 */
import type { Shell } from "electron";
import { stat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { ipcFailure } from "../core/ipc-error.ts";

export async function showInFolder(
  path: string,
  shell: Pick<Shell, "showItemInFolder">,
): Promise<{ ok: true }> {
  const info = isAbsolute(path) ? await stat(path).catch(() => undefined) : undefined;
  if (!info) throw ipcFailure("not-found", `${path} is not there any more.`);
  shell.showItemInFolder(path);
  return { ok: true };
}
