import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { buildDesktop } from "./build-desktop.ts";

test("the desktop shell bundles: an ESM main and a CommonJS preload that requires only electron", async () => {
  const out = await mkdtemp(join(tmpdir(), "docsync-desktop-"));
  try {
    await buildDesktop(out);
    const preload = await readFile(join(out, "preload.cjs"), "utf8");
    expect([...new Set(preload.match(/require\("[^"]+"\)/g))]).toEqual(['require("electron")']);
    expect(preload).toContain("exposeInMainWorld");
    const main = await readFile(join(out, "main.mjs"), "utf8");
    expect(main).toMatch(/from "electron"|from 'electron'/);
    expect(main).toContain("contextIsolation: true");
    expect(main).toContain("sandbox: true");
    expect(main).toContain("nodeIntegration: false");
    const manifest = JSON.parse(await readFile(join(out, "package.json"), "utf8")) as {
      main: string;
      name: string;
    };
    expect(manifest).toMatchObject({ name: "docsync", main: "main.mjs" });
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
