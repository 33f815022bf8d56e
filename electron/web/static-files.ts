/** Serves the built renderer: files under one folder only, with their content types. */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import type { Readable } from "node:stream";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
};

export interface StaticFile {
  stream: Readable;
  contentType: string;
  size: number;
  /** Hashed asset names never change content, so they may be cached for long. */
  immutable: boolean;
}

/** The file for a URL path, or undefined when there is none (or the path tries to leave the folder). */
export async function findStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split("?")[0] ?? "/");
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const relative = decoded === "/" || decoded === "" ? "index.html" : decoded.replace(/^\/+/, "");
  const full = normalize(join(root, relative));
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  try {
    const info = await stat(full);
    if (!info.isFile()) return undefined;
    return {
      stream: createReadStream(full),
      contentType: contentTypes[extname(full).toLowerCase()] ?? "application/octet-stream",
      size: info.size,
      immutable: relative.startsWith("assets/"),
    };
  } catch {
    return undefined;
  }
}
