/**
 * Builds the renderer with vite into dist/renderer, only when a source changed since the last build.
 * Concurrent callers (several test files, `npm start` twice) wait for one build instead of racing.
 * `node scripts/build-renderer.ts [--force]`.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
export const rendererDir = join(repo, "dist", "renderer");
const lockDir = join(repo, "dist", ".renderer-build.lock");
const sources = [join(repo, "renderer"), join(repo, "shared")];
const STALE_LOCK_MS = 5 * 60 * 1000;

function newestMtime(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === "node_modules" || name.endsWith(".test.ts") || name.endsWith(".test.tsx")) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

export function rendererIsFresh(): boolean {
  const built = statSync(join(rendererDir, "index.html"), { throwIfNoEntry: false });
  return built !== undefined && built.mtimeMs >= Math.max(...sources.map(newestMtime));
}

export async function buildRenderer(): Promise<void> {
  const { build } = await import("vite");
  // Test runners set NODE_ENV=test, which would make vite and the React plugin build for development.
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({
      configFile: join(repo, "renderer", "vite.config.ts"),
      mode: "production",
      logLevel: "warn",
    });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

function tryLock(): boolean {
  mkdirSync(join(repo, "dist"), { recursive: true });
  try {
    mkdirSync(lockDir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const held = statSync(lockDir, { throwIfNoEntry: false });
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
}

/** Builds the renderer unless it is up to date; returns whether a build ran here. */
export async function ensureRendererBuilt(
  options: { force?: boolean; timeoutMs?: number } = {},
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    if (!options.force && rendererIsFresh()) return false;
    if (tryLock()) {
      try {
        if (!options.force && rendererIsFresh()) return false;
        await buildRenderer();
        return true;
      } finally {
        rmSync(lockDir, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) throw new Error("Timed out waiting for another build of the renderer.");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes("--force");
  const started = Date.now();
  const built = await ensureRendererBuilt({ force });
  console.log(
    built ? `renderer built in ${Date.now() - started} ms → ${rendererDir}` : "renderer is up to date",
  );
}
