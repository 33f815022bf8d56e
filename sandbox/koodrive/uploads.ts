/**
 * The three-step upload (docs/koodrive-api.md, "Upload"): create the file's metadata (or a new
 * version of an existing file), PUT the bytes to part URLs, then complete, which joins the parts and
 * checks their SHA-256 before the file appears.
 */
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import type { DatabaseSync } from "node:sqlite";
import { PartTooLong, type KooBlobs } from "./blobs.ts";
import { inTransaction } from "./database.ts";
import { CODES, KooError, badParameter, notFound } from "./errors.ts";
import { ROOT_ID, newFileId, validateName, type FileTree, type RenameMode } from "./files.ts";
import { MAX_PART, MAX_PUT_LENGTH, MIN_PART } from "./validation.ts";

export const UPLOAD_PREFIX = "/koodrive-upload/";
/** An upload not completed within a day is dropped [ours]. */
export const UPLOAD_LIFETIME_MS = 24 * 60 * 60 * 1000;

interface UploadRow {
  upload_id: string;
  owner: string;
  file_id: string;
  kind: "create" | "revision";
  parent: string;
  name: string;
  length: number;
  mode: "put" | "multipart";
  rename_mode: RenameMode;
  created: number;
}

export interface PartRequest {
  partNumber: number;
  partSize: number;
}

export interface PartUrl extends PartRequest {
  uploadUrl: string;
}

const noUpload = (fileId: string) =>
  new KooError(
    CODES.noUpload,
    400,
    `fileId: no upload in progress for "${fileId}" (completed, expired or never created)`,
  );

export class Uploads {
  readonly #db: DatabaseSync;
  readonly #tree: FileTree;
  readonly #blobs: KooBlobs;
  readonly #now: () => number;
  readonly #release: (sha256s: string[]) => Promise<void>;

  constructor(
    db: DatabaseSync,
    tree: FileTree,
    blobs: KooBlobs,
    now: () => number,
    release: (sha256s: string[]) => Promise<void>,
  ) {
    this.#db = db;
    this.#tree = tree;
    this.#blobs = blobs;
    this.#now = now;
    this.#release = release;
  }

  /** Step 1 for a new file. Content the store already holds completes at once ("rapid upload"). */
  create(
    owner: string,
    input: {
      fileName: string;
      parent?: string | undefined;
      length: number;
      sha256?: string | undefined;
      mode: "put" | "multipart";
      renameMode?: RenameMode | undefined;
      parts?: PartRequest[] | undefined;
    },
    baseUrl: string,
  ) {
    validateName("fileName", input.fileName);
    const parent = this.#tree.requireFolder(owner, input.parent ?? ROOT_ID, "parentFolder").id;
    this.#checkLength(input.mode, input.length);
    const renameMode = input.renameMode ?? 3;
    const fileName = this.#tree.freeName(owner, parent, input.fileName, renameMode);
    const fileId = newFileId();
    if (input.sha256 !== undefined && this.#holds(input.sha256, input.length)) {
      const row = this.#tree.addFile(owner, fileId, parent, fileName, renameMode, input.length, input.sha256);
      return { fileId, rapidUpload: true, uploadId: "", fileName: row.name, parentFolder: [parent] };
    }
    this.#sweep();
    const uploadId = this.#insert(
      owner,
      fileId,
      "create",
      parent,
      fileName,
      input.length,
      input.mode,
      renameMode,
    );
    return {
      fileId,
      rapidUpload: false,
      uploadId,
      fileName,
      parentFolder: [parent],
      ...this.#initialParts(uploadId, input.mode, input.length, input.parts, baseUrl),
    };
  }

  /** Step 1 for a new version of an existing file; a pending version of that file is dropped. */
  async createRevision(
    owner: string,
    input: { fileId: string; length: number; mode: "put" | "multipart"; parts?: PartRequest[] | undefined },
    baseUrl: string,
  ) {
    const file = this.#tree.require(owner, input.fileId, "fileId");
    if (file.type !== "file")
      throw new KooError(CODES.notForFolders, 400, `fileId: "${file.id}" is a folder`);
    this.#checkLength(input.mode, input.length);
    const earlier = this.#find(owner, file.id);
    if (earlier) await this.#drop(earlier.upload_id);
    this.#sweep();
    const uploadId = this.#insert(
      owner,
      file.id,
      "revision",
      file.parent,
      file.name,
      input.length,
      input.mode,
      3,
    );
    return {
      fileId: file.id,
      uploadId,
      fileName: file.name,
      parentFolder: [file.parent],
      ...this.#initialParts(uploadId, input.mode, input.length, input.parts, baseUrl),
    };
  }

  /** Step 2: addresses to PUT parts to. */
  uploadUrls(
    owner: string,
    fileId: string,
    uploadId: string | undefined,
    parts: PartRequest[],
    baseUrl: string,
  ): PartUrl[] {
    const upload = this.#require(owner, fileId, uploadId);
    return this.#issue(upload.upload_id, upload.mode, upload.length, parts, baseUrl);
  }

  /** A part's bytes, sent to its URL; answers the bytes stored. */
  async receivePart(uploadId: string, partNumber: number, contentLength: number | undefined, body: Readable) {
    const part = this.#db
      .prepare(
        "SELECT p.declared FROM upload_parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE p.upload_id = ? AND p.part_number = ?",
      )
      .get(uploadId, partNumber) as { declared: number } | undefined;
    if (!part)
      throw new KooError(CODES.noUpload, 404, `no upload address for part ${partNumber} of "${uploadId}"`);
    if (contentLength !== undefined && contentLength !== part.declared) {
      throw badParameter(
        "Content-Length",
        `part ${partNumber} was declared with ${part.declared} bytes, not ${contentLength}`,
      );
    }
    let size: number;
    try {
      size = await this.#blobs.putPart(uploadId, partNumber, body, part.declared);
    } catch (error) {
      if (error instanceof PartTooLong)
        throw badParameter("body", `part ${partNumber} is longer than ${part.declared} bytes`);
      throw error;
    }
    if (size !== part.declared) {
      throw badParameter(
        "body",
        `part ${partNumber} carried ${size} bytes; it was declared with ${part.declared}`,
      );
    }
    this.#db
      .prepare("UPDATE upload_parts SET received = ? WHERE upload_id = ? AND part_number = ?")
      .run(size, uploadId, partNumber);
    return size;
  }

  /** Step 3: joins the parts, checks length and SHA-256, and makes the file (or version) appear. */
  async complete(
    owner: string,
    kind: "create" | "revision",
    fileId: string,
    uploadId: string | undefined,
    sha256?: string,
  ) {
    const upload = this.#require(owner, fileId, uploadId);
    if (upload.kind !== kind) {
      throw badParameter(
        "fileId",
        kind === "create"
          ? "is a new version: complete it with completeRevision"
          : "is a new file: complete it with files/complete",
      );
    }
    const parts = this.#db
      .prepare(
        "SELECT part_number, received FROM upload_parts WHERE upload_id = ? AND received IS NOT NULL ORDER BY part_number",
      )
      .all(upload.upload_id) as { part_number: number; received: number }[];
    if (parts.length === 0 && upload.length > 0)
      throw badParameter("multiParts", "part 1 was never received");
    parts.forEach((part, index) => {
      if (part.part_number !== index + 1)
        throw badParameter("multiParts", `part ${index + 1} was never received`);
      if (index < parts.length - 1 && part.received < MIN_PART) {
        throw badParameter(
          "multiParts",
          `part ${part.part_number} has ${part.received} bytes; every part but the last needs at least 5 MiB`,
        );
      }
    });
    const total = parts.reduce((sum, part) => sum + part.received, 0);
    if (total !== upload.length) {
      throw badParameter(
        "length",
        `the parts hold ${total} bytes; the file was declared with ${upload.length}`,
      );
    }
    const staged = await this.#blobs.assemble(upload.upload_id, parts.length);
    if (sha256 !== undefined && staged.sha256 !== sha256) {
      await this.#blobs.discard(staged.tempPath);
      throw new KooError(
        CODES.integrity,
        400,
        `sha256: the bytes received have SHA-256 ${staged.sha256}, not ${sha256}`,
      );
    }
    await this.#blobs.commit(staged.tempPath, staged.sha256);
    try {
      if (kind === "create") {
        this.#tree.addFile(
          owner,
          fileId,
          upload.parent,
          upload.name,
          upload.rename_mode,
          total,
          staged.sha256,
        );
      } else {
        const { replaced } = this.#tree.addVersion(owner, fileId, total, staged.sha256);
        if (replaced !== staged.sha256) await this.#release([replaced]);
      }
    } catch (error) {
      await this.#release([staged.sha256]);
      throw error;
    }
    await this.#drop(upload.upload_id);
  }

  #holds(sha256: string, length: number): boolean {
    const row = this.#db
      .prepare("SELECT size FROM files WHERE sha256 = ? AND type = 'file' LIMIT 1")
      .get(sha256) as { size: number } | undefined;
    return row?.size === length && this.#blobs.has(sha256);
  }

  #checkLength(mode: "put" | "multipart", length: number): void {
    if (mode === "put" && length > MAX_PUT_LENGTH) {
      throw badParameter("length", `a put upload takes at most ${MAX_PUT_LENGTH} bytes; use multipart`);
    }
  }

  #insert(
    owner: string,
    fileId: string,
    kind: "create" | "revision",
    parent: string,
    name: string,
    length: number,
    mode: "put" | "multipart",
    renameMode: RenameMode,
  ): string {
    const uploadId = `U${randomBytes(18).toString("base64url")}`;
    this.#db
      .prepare(
        "INSERT INTO uploads (upload_id, owner, file_id, kind, parent, name, length, mode, rename_mode, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(uploadId, owner, fileId, kind, parent, name, length, mode, renameMode, this.#now());
    return uploadId;
  }

  /** A put upload answers its one address at once; a multipart one those it was asked for. */
  #initialParts(
    uploadId: string,
    mode: "put" | "multipart",
    length: number,
    parts: PartRequest[] | undefined,
    baseUrl: string,
  ) {
    if (mode === "put")
      return {
        multiParts: this.#issue(uploadId, mode, length, [{ partNumber: 1, partSize: length }], baseUrl),
      };
    return parts && parts.length > 0
      ? { multiParts: this.#issue(uploadId, mode, length, parts, baseUrl) }
      : {};
  }

  #issue(
    uploadId: string,
    mode: "put" | "multipart",
    length: number,
    parts: PartRequest[],
    baseUrl: string,
  ): PartUrl[] {
    for (const part of parts) {
      if (mode === "put" && (part.partNumber !== 1 || part.partSize !== length)) {
        throw badParameter("multiParts", `a put upload has one part: number 1 with all ${length} bytes`);
      }
      if (part.partSize > MAX_PART) throw badParameter("multiParts.partSize", "a part holds at most 5 GiB");
      if (part.partSize > length)
        throw badParameter("multiParts.partSize", `part ${part.partNumber} is longer than the file`);
    }
    const upsert = this.#db.prepare(
      `INSERT INTO upload_parts (upload_id, part_number, declared) VALUES (?, ?, ?)
       ON CONFLICT (upload_id, part_number) DO UPDATE SET declared = excluded.declared, received = NULL`,
    );
    inTransaction(this.#db, () =>
      parts.forEach((part) => upsert.run(uploadId, part.partNumber, part.partSize)),
    );
    return parts.map((part) => ({
      ...part,
      uploadUrl: `${baseUrl}${UPLOAD_PREFIX}${uploadId}/${part.partNumber}`,
    }));
  }

  #find(owner: string, fileId: string): UploadRow | undefined {
    const row = this.#db
      .prepare("SELECT * FROM uploads WHERE owner = ? AND file_id = ?")
      .get(owner, fileId) as UploadRow | undefined;
    return row && this.#now() - row.created <= UPLOAD_LIFETIME_MS ? row : undefined;
  }

  #require(owner: string, fileId: string, uploadId: string | undefined): UploadRow {
    const row = this.#find(owner, fileId);
    if (!row) throw noUpload(fileId);
    if (uploadId !== undefined && uploadId !== "" && uploadId !== row.upload_id) {
      throw notFound(`uploadId: "${uploadId}" is not the upload in progress for "${fileId}"`);
    }
    return row;
  }

  async #drop(uploadId: string): Promise<void> {
    this.#db.prepare("DELETE FROM upload_parts WHERE upload_id = ?").run(uploadId);
    this.#db.prepare("DELETE FROM uploads WHERE upload_id = ?").run(uploadId);
    await this.#blobs.dropParts(uploadId);
  }

  /** Uploads past their lifetime give their disk space back. */
  #sweep(): void {
    const rows = this.#db
      .prepare("SELECT upload_id FROM uploads WHERE created < ?")
      .all(this.#now() - UPLOAD_LIFETIME_MS) as { upload_id: string }[];
    for (const row of rows) void this.#drop(row.upload_id);
  }
}
