/**
 * Bundles the desktop shell with esbuild (Electron cannot run TypeScript): dist/electron/main.mjs,
 * the sandboxed preload as CommonJS (dist/electron/preload.cjs), and a package.json naming the app.
 * `node scripts/build-desktop.ts`.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const repo = fileURLToPath(new URL("..", import.meta.url));
export const desktopDir = join(repo, "dist", "electron");

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
    target: "node22",
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
    target: "chrome130",
  });
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
  console.log(`desktop shell built in ${Date.now() - started} ms → ${desktopDir}`);
}
