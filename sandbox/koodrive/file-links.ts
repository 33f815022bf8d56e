/**
 * Download addresses of single files (docs/koodrive-api.md, "Download"): `POST /files/download`
 * hands out an address per file that serves its bytes to a plain GET, no token, for an hour [ours:
 * the vendor's are presigned storage URLs whose lifetime the pages do not state].
 */
import { randomBytes } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { CODES } from "./errors.ts";
import type { FileTree } from "./files.ts";

export const FILE_LINK_PREFIX = "/koodrive-file/";
export const FILE_LINK_LIFETIME_MS = 60 * 60 * 1000;

interface LinkRow {
  id: string;
  sha256: string;
  size: number;
  name: string;
  expires: number;
}

/** One item of the answer [doc fields]: an address, or the item's error code. */
export interface DownloadItem {
  fileId: string;
  fileName?: string;
  url?: string;
  code: string;
  msg: string;
}

export class FileLinks {
  readonly #db: DatabaseSync;
  readonly #tree: FileTree;
  readonly #now: () => number;

  constructor(db: DatabaseSync, tree: FileTree, now: () => number) {
    this.#db = db;
    this.#tree = tree;
    this.#now = now;
  }

  /** An address per file; a missing id or a folder fails only its own item. */
  create(
    owner: string,
    fileIds: string[],
    baseUrl: string,
  ): { batchCode: number; downloads: DownloadItem[] } {
    this.#db.prepare("DELETE FROM file_links WHERE expires < ?").run(this.#now());
    const downloads = fileIds.map((fileId): DownloadItem => {
      const row = this.#tree.get(owner, fileId);
      if (!row) return { fileId, code: CODES.notFound, msg: `no file "${fileId}"` };
      if (row.type === "folder") {
        return {
          fileId,
          fileName: row.name,
          code: CODES.notForFolders,
          msg: "a folder has no download address",
        };
      }
      const id = randomBytes(24).toString("base64url");
      this.#db
        .prepare("INSERT INTO file_links (id, sha256, size, name, expires) VALUES (?, ?, ?, ?, ?)")
        .run(id, row.sha256, row.size, row.name, this.#now() + FILE_LINK_LIFETIME_MS);
      return {
        fileId,
        fileName: row.name,
        url: `${baseUrl}${FILE_LINK_PREFIX}${id}`,
        code: "0",
        msg: "success",
      };
    });
    const failed = downloads.filter((d) => !d.url).length;
    // [doc]: 0 partly successful, 1 all successful, 2 all failed.
    return { batchCode: failed === 0 ? 1 : failed === downloads.length ? 2 : 0, downloads };
  }

  resolve(id: string): LinkRow | undefined {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) return undefined;
    const row = this.#db.prepare("SELECT * FROM file_links WHERE id = ?").get(id) as LinkRow | undefined;
    return row && row.expires >= this.#now() ? row : undefined;
  }

  /** An address handed out keeps serving its bytes even when the file gets a new version meanwhile. */
  isContentLinked(sha256: string): boolean {
    return (
      this.#db
        .prepare("SELECT 1 FROM file_links WHERE sha256 = ? AND expires >= ? LIMIT 1")
        .get(sha256, this.#now()) !== undefined
    );
  }
}
