import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { tempDir } from "../../testing/harness.ts";
import { showInFolder } from "./show-in-folder.ts";

const scratch = tempDir("docsync-reveal-");
afterEach(() => scratch.remove());

/** Electron's shell as far as this channel may use it: anything else it calls is a failure. */
function fakeShell() {
  const revealed: string[] = [];
  const shell = {
    showItemInFolder: (path: string) => void revealed.push(path),
    openPath: async (path: string) => {
      throw new Error(`opened ${path}`);
    },
  };
  return { shell, revealed };
}

test("a folder (an app bundle, say) and a file are revealed in their parent, never opened", async () => {
  const bundle = join(scratch.path, "Installer.app");
  mkdirSync(bundle);
  const file = join(scratch.path, "report.zip");
  writeFileSync(file, "zip");
  const { shell, revealed } = fakeShell();
  await showInFolder(bundle, shell);
  await showInFolder(file, shell);
  expect(revealed).toEqual([bundle, file]);
});

test("a path that is gone or not absolute is refused", async () => {
  const { shell, revealed } = fakeShell();
  await expect(showInFolder(join(scratch.path, "gone"), shell)).rejects.toMatchObject({
    ipc: { code: "not-found" },
  });
  await expect(showInFolder("relative/file", shell)).rejects.toMatchObject({ ipc: { code: "not-found" } });
  expect(revealed).toEqual([]);
});
