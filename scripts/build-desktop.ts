/**
 * Builds the desktop app's folder, dist/electron/, which `npm start` runs and electron-builder
 * packages: the main process bundled with esbuild (Electron cannot run TypeScript) as main.mjs, the
 * sandboxed preload as CommonJS (preload.cjs), the renderer (renderer/), and a package.json naming
 * the app. `node scripts/build-desktop.ts`.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { ensureRendererBuilt, rendererDir } from "./build-renderer.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
export const desktopDir = join(repo, "dist", "electron");

/** What the Electron of package.json (45) runs: its Node for the main process, its Chromium for the preload. */
export const electronTargets = { node: "node24", chrome: "chrome156" };

export async function buildDesktop(outDir = desktopDir): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true,
    platform: "node" as const,
    external: ["electron"],
    logLevel: "warning" as const,
    sourcemap: true,
  };
  await build({
    ...common,
    entryPoints: [join(repo, "electron", "main.ts")],
    outfile: join(outDir, "main.mjs"),
    format: "esm",
    target: electronTargets.node,
    // Bundled CommonJS dependencies still call require().
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  await build({
    ...common,
    entryPoints: [join(repo, "electron", "preload.ts")],
    outfile: join(outDir, "preload.cjs"),
    // A sandboxed preload is a CommonJS script that may require only 'electron'.
    format: "cjs",
    target: electronTargets.chrome,
  });
  // The renderer goes inside the app's folder, so the packaged app (one asar archive) carries it.
  await ensureRendererBuilt();
  rmSync(join(outDir, "renderer"), { recursive: true, force: true });
  cpSync(rendererDir, join(outDir, "renderer"), { recursive: true });
  const root = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
    version: string;
    description?: string;
  };
  writeFileSync(
    join(outDir, "package.json"),
    JSON.stringify(
      {
        name: "docsync",
        productName: "docsync",
        version: root.version,
        description: root.description,
        main: "main.mjs",
        type: "module",
      },
      null,
      2,
    ),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  await buildDesktop();
  console.log(`desktop app built in ${Date.now() - started} ms → ${desktopDir}`);
}
