import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import packaging from "../electron-builder.config.ts";
import { buildDesktop, desktopDir, electronTargets } from "./build-desktop.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

/** Width, height and colour type of a PNG, from its header. */
function pngHeader(path: string): { width: number; height: number; rgba: boolean } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString()).toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), rgba: bytes[25] === 6 };
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

describe("the desktop app's folder and its installers", () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "docsync-desktop-"));
    await buildDesktop(out);
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  test("bundles a hardened ESM main and a CommonJS preload that requires only electron", () => {
    const preload = readFileSync(join(out, "preload.cjs"), "utf8");
    expect([...new Set(preload.match(/require\("[^"]+"\)/g))]).toEqual(['require("electron")']);
    expect(preload).toContain("exposeInMainWorld");
    expect(preload).not.toContain("ipcRenderer:");
    const main = readFileSync(join(out, "main.mjs"), "utf8");
    expect(main).toMatch(/from "electron"|from 'electron'/);
    for (const setting of [
      "contextIsolation: true",
      "sandbox: true",
      "nodeIntegration: false",
      "webSecurity: true",
    ])
      expect(main).toContain(setting);
    for (const weakened of [
      "contextIsolation: false",
      "sandbox: false",
      "nodeIntegration: true",
      "webSecurity: false",
    ])
      expect(main).not.toContain(weakened);
    expect(main).toContain("setWindowOpenHandler");
    expect(main).toContain("will-navigate");
    expect(main).toContain("default-src 'none'");
    // Settings go through electron-store (bundled), secrets through safeStorage, and V8 favours memory.
    expect(main).toContain("electron-store-get-data");
    expect(main).toContain("--optimize-for-size");
  });

  test("is built for the Electron of package.json", () => {
    const electron = readJson<{ version: string }>(join(repo, "node_modules", "electron", "package.json"));
    // The targets name Electron 45's Node and Chromium: a new Electron needs new targets.
    expect(Number(electron.version.split(".")[0])).toBe(45);
    expect(electronTargets).toEqual({ node: "node24", chrome: "chrome156" });
  });

  test("the packaging configuration is complete: its files are in the folder, its main is the bundle", () => {
    const manifest = readJson<{ name: string; main: string; version: string; type: string }>(
      join(out, "package.json"),
    );
    expect(manifest).toMatchObject({ name: "docsync", main: "main.mjs", type: "module" });
    expect(manifest.version).toBe(readJson<{ version: string }>(join(repo, "package.json")).version);
    expect(existsSync(join(out, manifest.main))).toBe(true);
    expect(join(repo, packaging.directories.app)).toBe(desktopDir);

    const built = filesBelow(out);
    for (const pattern of packaging.files.filter((p) => !p.startsWith("!"))) {
      const prefix = pattern.replace(/\*\*\/\*$/, "");
      expect(
        built.some((f) => (prefix === pattern ? f === pattern : f.startsWith(prefix))),
        `${pattern} matches a file`,
      ).toBe(true);
    }
    expect(built).toContain("renderer/index.html");
    expect(packaging.files).toContain("!**/*.map");

    expect(packaging.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(packaging.linux.target).toEqual(["AppImage", "deb"]);
    expect(packaging.mac.target).toEqual(["dmg"]);
    expect(packaging.win.target).toEqual(["nsis"]);
    expect(packaging.electronFuses).toMatchObject({ runAsNode: false, onlyLoadAppFromAsar: true });
  });

  test("electron-builder's own check accepts the configuration, and would refuse a misspelt option", async () => {
    // electron-builder cannot run here (it downloads Electron), so its validation is called directly.
    const fromBuilder = createRequire(createRequire(import.meta.url).resolve("electron-builder"));
    const { validateConfiguration } = fromBuilder("app-builder-lib/out/util/config/config.js") as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = fromBuilder("builder-util") as { DebugLogger: new (enabled: boolean) => unknown };
    const validate = (config: unknown) =>
      validateConfiguration(structuredClone(config), new DebugLogger(false));
    await expect(validate(packaging)).resolves.toBeUndefined();
    await expect(
      validate({ ...packaging, linux: { ...packaging.linux, categry: "Utility" } }),
    ).rejects.toThrow(/configuration\.linux/);
  });

  test("the icons are there, from one SVG, in the sizes each installer needs", () => {
    const resources = join(repo, packaging.directories.buildResources);
    expect(readFileSync(join(resources, "icon.svg"), "utf8")).toContain("<svg");
    // macOS makes its icon from a PNG of 512 px or more, Windows from 256 px or more.
    for (const icon of [packaging.mac.icon, packaging.win.icon]) {
      const { width, height, rgba } = pngHeader(join(repo, icon));
      expect({ width, height, rgba }).toEqual({ width: 1024, height: 1024, rgba: true });
    }
    const linux = join(repo, packaging.linux.icon);
    const sizes = readdirSync(linux).map((name) => {
      const { width, height } = pngHeader(join(linux, name));
      expect(name).toBe(`${width}x${height}.png`);
      return width;
    });
    expect(sizes.sort((a, b) => a - b)).toEqual([16, 24, 32, 48, 64, 128, 256, 512]);
  });

  test("npm run package builds the folder, then the installers with this configuration", () => {
    const { scripts, devDependencies, allowScripts } = readJson<{
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
      allowScripts: Record<string, boolean>;
    }>(join(repo, "package.json"));
    expect(scripts.package).toBe(
      "node scripts/build-desktop.ts && electron-builder --config electron-builder.config.ts",
    );
    expect(devDependencies).toHaveProperty("electron-builder");
    // Electron's binary is never downloaded by npm install; electron-builder fetches its own.
    expect(allowScripts.electron).toBe(false);
  });
});
