/**
 * Share links (docs/koodrive-api.md, "Share tasks"): what a package download is made from. A share
 * holds up to 100 of its owner's files and folders for 1 to 365 days, until it is cancelled.
 */
import type { DatabaseSync } from "node:sqlite";
import { randomBytes } from "node:crypto";
import { digits } from "./auth.ts";
import { badParameter, notFound } from "./errors.ts";
import type { FileTree } from "./files.ts";
import { stamp14 } from "./time.ts";

const DAY = 24 * 60 * 60 * 1000;

interface ShareRow {
  id: string;
  owner: string;
  file_ids: string;
  expires: number;
  cancelled: number;
}

export class Shares {
  readonly #db: DatabaseSync;
  readonly #tree: FileTree;
  readonly #now: () => number;

  constructor(db: DatabaseSync, tree: FileTree, now: () => number) {
    this.#db = db;
    this.#tree = tree;
    this.#now = now;
  }

  create(
    owner: string,
    request: {
      fileIds: string[];
      validDays: number;
      extractCode?: string | undefined;
      comment?: string | undefined;
    },
    baseUrl: string,
  ) {
    if (new Set(request.fileIds).size !== request.fileIds.length)
      throw badParameter("fileIds", "lists a file twice");
    for (const fileId of request.fileIds) this.#tree.require(owner, fileId, "fileIds");
    const id = digits(19);
    const expires = this.#now() + request.validDays * DAY;
    this.#db
      .prepare(
        "INSERT INTO shares (id, owner, file_ids, created, expires, cancelled) VALUES (?, ?, ?, ?, ?, 0)",
      )
      .run(id, owner, JSON.stringify(request.fileIds), this.#now(), expires);
    const shortUrl = randomBytes(9).toString("base64url");
    return {
      shareId: id,
      shortUrl,
      linkUrl: `${baseUrl}/koodrive-share/${shortUrl}`,
      extractCode: request.extractCode ?? "",
      comment: request.comment ?? "",
      expireTime: stamp14(expires),
    };
  }

  cancel(owner: string, shareIds: string[]) {
    return shareIds.map((shareId) => {
      const row = this.#row(shareId);
      if (!row || row.owner !== owner) return { shareId, code: "13000309", msg: `no share "${shareId}"` };
      this.#db.prepare("UPDATE shares SET cancelled = 1 WHERE id = ?").run(shareId);
      return { shareId, code: "0", msg: "success" };
    });
  }

  /** The share exists, is the caller's and alive, and holds each file (or a folder above it). */
  check(owner: string, shareId: string, fileIds: string[]): void {
    const row = this.#row(shareId);
    if (!row || row.owner !== owner || row.cancelled || row.expires <= this.#now()) {
      throw notFound(`shareId: no share "${shareId}"`);
    }
    const shared = JSON.parse(row.file_ids) as string[];
    for (const fileId of fileIds) {
      const inside = shared.some((top) => top === fileId || this.#tree.isWithin(owner, fileId, top));
      if (!inside) throw badParameter("fileIds", `"${fileId}" is not in share "${shareId}"`);
    }
  }

  #row(id: string): ShareRow | undefined {
    return this.#db.prepare("SELECT * FROM shares WHERE id = ?").get(id) as ShareRow | undefined;
  }
}
