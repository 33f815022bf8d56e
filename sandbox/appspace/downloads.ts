/** Temporary download addresses: a plain GET serves the bytes for an hour, no signature. */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import type { DatabaseSync } from "node:sqlite";
import type { FastifyPluginAsync } from "fastify";
import type { BlobStore } from "./blobs.ts";

export const DOWNLOAD_LINK_LIFETIME_MS = 60 * 60 * 1000;
export const DOWNLOAD_PATH_PREFIX = "/dl/";

interface LinkRow {
  id: string;
  md5: string;
  size: number;
  name: string;
  expires: number;
}

export class DownloadLinks {
  private readonly db: DatabaseSync;
  private readonly now: () => number;

  constructor(db: DatabaseSync, now: () => number) {
    this.db = db;
    this.now = now;
  }

  create(file: { md5: string; size: number; name: string }): string {
    const id = randomBytes(18).toString("base64url");
    this.db.prepare("DELETE FROM download_links WHERE expires < ?").run(this.now());
    this.db
      .prepare("INSERT INTO download_links (id, md5, size, name, expires) VALUES (?, ?, ?, ?, ?)")
      .run(id, file.md5, file.size, file.name, this.now() + DOWNLOAD_LINK_LIFETIME_MS);
    return id;
  }

  resolve(id: string): LinkRow | undefined {
    const row = this.db.prepare("SELECT * FROM download_links WHERE id = ?").get(id) as LinkRow | undefined;
    return row && row.expires >= this.now() ? row : undefined;
  }

  /** An address handed out keeps serving its bytes even if the file gets a new version meanwhile. */
  isBlobLinked(md5: string): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM download_links WHERE md5 = ? AND expires >= ? LIMIT 1")
        .get(md5, this.now()) !== undefined
    );
  }
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; null when unsatisfiable or not a single range. */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : null;
}

export function downloadRoutes(links: DownloadLinks, blobs: BlobStore): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { link_id: string } }>(`${DOWNLOAD_PATH_PREFIX}:link_id`, async (request, reply) => {
      const link = links.resolve(request.params.link_id);
      if (!link || !blobs.has(link.md5)) {
        return reply.code(404).send({ code: 40004, msg: "this download address is unknown or expired" });
      }
      reply
        .header("content-type", "application/octet-stream")
        .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(link.name)}`)
        .header("accept-ranges", "bytes")
        .header("etag", `"${link.md5}"`);
      const rangeHeader = request.headers.range;
      if (rangeHeader !== undefined && link.size > 0) {
        const range = parseRange(rangeHeader, link.size);
        if (!range) {
          return reply
            .code(416)
            .header("content-range", `bytes */${link.size}`)
            .send({ code: 40001, msg: `Range: "${rangeHeader}" is not a satisfiable single byte range` });
        }
        return reply
          .code(206)
          .header("content-range", `bytes ${range.start}-${range.end}/${link.size}`)
          .header("content-length", range.end - range.start + 1)
          .send(createReadStream(blobs.path(link.md5), range));
      }
      return reply.header("content-length", link.size).send(createReadStream(blobs.path(link.md5)));
    });
  };
}
