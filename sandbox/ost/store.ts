/**
 * Staged uploads on disk. Each multipart upload is a folder of slice files plus a small JSON
 * record; a completed upload becomes a file that is served by concatenating its slices, so
 * `complete` costs no copy however large the file.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

export const MIN_SLICE_SIZE = 5 * 1024 * 1024;
export const MAX_SLICE_SIZE = 5 * 1024 * 1024 * 1024;
export const MAX_SLICES = 10_000;
export const UPLOAD_LIFETIME_MS = 24 * 60 * 60 * 1000;

interface UploadRecord {
  uploadId: string;
  appId: string;
  createdAt: number;
  /** Set once the upload completed: the id its URL serves it under. */
  fileId?: string;
  /** Slice sizes by slice id (1-based), known once written. */
  slices: Record<string, number>;
}

export interface StagedFile {
  /** The slice files in order. */
  parts: string[];
  size: number;
}

export class OstRuleError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

const EXPIRED = (uploadId: string) =>
  new OstRuleError(10005, `upload ${uploadId} has expired, was cancelled or was never initialised`);

export class UploadStore {
  readonly tmpDir: string;
  private readonly uploadsDir: string;
  private readonly uploads = new Map<string, UploadRecord>();
  /** fileId → upload id (or a single-upload file's own folder). */
  private readonly files = new Map<string, string>();
  private readonly now: () => number;

  constructor(dataDir: string, now: () => number) {
    this.now = now;
    this.tmpDir = join(dataDir, "tmp");
    this.uploadsDir = join(dataDir, "uploads");
    mkdirSync(this.tmpDir, { recursive: true });
    mkdirSync(this.uploadsDir, { recursive: true });
    this.load();
  }

  init(appId: string): string {
    this.sweepExpired();
    const uploadId = `up_${randomBytes(12).toString("hex")}`;
    const record: UploadRecord = { uploadId, appId, createdAt: this.now(), slices: {} };
    mkdirSync(this.dir(uploadId));
    this.uploads.set(uploadId, record);
    this.persist(record);
    return uploadId;
  }

  /** Moves a received slice into place; a slice sent again replaces the earlier one. */
  async putSlice(appId: string, uploadId: string, sliceId: number, tmpPath: string, size: number) {
    const record = this.open(appId, uploadId);
    if (size > MAX_SLICE_SIZE) throw new OstRuleError(10001, `slice ${sliceId} is larger than 5 GiB`);
    try {
      await rename(tmpPath, join(this.dir(uploadId), `${sliceId}.slice`));
    } catch (error) {
      // The upload may have been cancelled while this slice was arriving.
      if (this.uploads.get(uploadId) !== record) throw EXPIRED(uploadId);
      throw error;
    }
    if (this.uploads.get(uploadId) !== record) throw EXPIRED(uploadId);
    record.slices[String(sliceId)] = size;
    this.persist(record);
  }

  /**
   * Joins the slices into the file its URL serves. Completing an upload that is already complete
   * answers the same file again (`again`), so a client whose answer was lost can simply ask again.
   */
  complete(appId: string, uploadId: string): { fileId: string; again: boolean } {
    const done = this.uploads.get(uploadId);
    if (done?.appId === appId && done.fileId !== undefined) return { fileId: done.fileId, again: true };
    const record = this.open(appId, uploadId);
    const ids = Object.keys(record.slices)
      .map(Number)
      .sort((a, b) => a - b);
    if (ids.length === 0) throw new OstRuleError(10001, "no slice was uploaded");
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] !== i + 1) throw new OstRuleError(10001, `slice ${i + 1} is missing`);
    }
    for (const id of ids.slice(0, -1)) {
      const size = record.slices[String(id)] ?? 0;
      if (size < MIN_SLICE_SIZE) {
        throw new OstRuleError(
          10001,
          `slice ${id} is ${size} bytes; every slice but the last needs at least 5 MiB`,
        );
      }
    }
    const fileId = randomBytes(16).toString("hex");
    record.fileId = fileId;
    this.files.set(fileId, uploadId);
    this.persist(record);
    return { fileId, again: false };
  }

  async cancel(appId: string, uploadId: string): Promise<void> {
    this.open(appId, uploadId);
    this.uploads.delete(uploadId);
    await rm(this.dir(uploadId), { recursive: true, force: true });
  }

  /** A whole file from a single-request upload. */
  async putFile(appId: string, tmpPath: string, size: number): Promise<string> {
    const uploadId = this.init(appId);
    await this.putSlice(appId, uploadId, 1, tmpPath, size);
    return this.complete(appId, uploadId).fileId;
  }

  async file(fileId: string): Promise<StagedFile | null> {
    const uploadId = this.files.get(fileId);
    const record = uploadId ? this.uploads.get(uploadId) : undefined;
    if (!record) return null;
    const count = Object.keys(record.slices).length;
    const parts: string[] = [];
    let size = 0;
    for (let id = 1; id <= count; id++) {
      const path = join(this.dir(record.uploadId), `${id}.slice`);
      size += (await stat(path)).size;
      parts.push(path);
    }
    return { parts, size };
  }

  private open(appId: string, uploadId: string): UploadRecord {
    const record = this.uploads.get(uploadId);
    if (!record || record.appId !== appId || record.fileId !== undefined || this.expired(record)) {
      throw EXPIRED(uploadId);
    }
    return record;
  }

  private expired(record: UploadRecord): boolean {
    return this.now() - record.createdAt > UPLOAD_LIFETIME_MS;
  }

  /** Unfinished uploads past their lifetime give their disk space back. */
  private sweepExpired() {
    for (const record of this.uploads.values()) {
      if (record.fileId === undefined && this.expired(record)) {
        this.uploads.delete(record.uploadId);
        void rm(this.dir(record.uploadId), { recursive: true, force: true });
      }
    }
  }

  private dir(uploadId: string): string {
    return join(this.uploadsDir, uploadId);
  }

  private persist(record: UploadRecord) {
    writeFileSync(join(this.dir(record.uploadId), "upload.json"), JSON.stringify(record));
  }

  /** Uploads and staged files survive a restart of the local cloud. */
  private load() {
    for (const name of readdirSync(this.uploadsDir)) {
      try {
        const record = JSON.parse(
          readFileSync(join(this.uploadsDir, name, "upload.json"), "utf8"),
        ) as UploadRecord;
        this.uploads.set(record.uploadId, record);
        if (record.fileId) this.files.set(record.fileId, record.uploadId);
      } catch {
        // A folder without its record is the remains of a cancelled upload.
      }
    }
  }
}
