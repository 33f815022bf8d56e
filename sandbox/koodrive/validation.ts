/** Request bodies as typed values, or a 13000102 that names the field. */
import { z } from "zod";
import { badParameter } from "./errors.ts";

export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join(".") : "body";
  const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
  throw badParameter(field, missing ? "is required" : issue.message);
}

/** A whole number, also when sent as a numeric string (the vendor's examples do both). */
const int = (min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^\d+$/, "must be a whole number").transform(Number)])
    .pipe(
      z
        .number()
        .int("must be a whole number")
        .min(min, `must be at least ${min}`)
        .max(max, `must be at most ${max}`),
    );

const id = z.string().min(1, "must not be empty").max(64, "is longer than 64 characters");
const containerId = id.optional();
const renameMode = z.union([z.literal(2), z.literal(3)], {
  message: "must be 2 (add a time stamp) or 3 (refuse)",
});
const sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex digits")
  .transform((s) => s.toLowerCase());

export const MIN_PART = 5 * 1024 * 1024;
export const MAX_PART = 5 * 1024 * 1024 * 1024;
export const MAX_PARTS = 10_000;
/** A multipart upload takes at most 200 GB [doc]; a put at most one part's worth [ours]. */
export const MAX_MULTIPART_LENGTH = 200 * 1000 ** 3;
export const MAX_PUT_LENGTH = MAX_PART;
export const MAX_JOB_ITEMS = 1000;
export const MAX_PACKAGE_FILES = 1000;

export const loginBody = z.object({ name: z.string().min(1), password: z.string() });

export const listBody = z.object({
  parentFileId: id,
  containerId,
  fileType: z.string().optional(),
  pageInfo: z
    .object({
      pageSize: int(1, 100).optional(),
      pageCursor: z.string().max(512).optional(),
    })
    .optional(),
});

export const detailBody = z.object({ containerId });

const parentFolder = z.array(id).max(16).optional();

export const directoryBody = z.object({
  fileName: z.string(),
  fileType: z.literal("10", { message: 'must be "10" (a folder)' }),
  parentFolder,
  containerId,
  renameMode: renameMode.optional(),
});

export const renameBody = z.object({ name: z.string(), containerId, renameMode: renameMode.optional() });

const partRequest = z.object({ partNumber: int(1, MAX_PARTS), partSize: int(0, MAX_PART) });

export const createFileBody = z.object({
  fileName: z.string(),
  parentFolder,
  containerId,
  length: int(0, MAX_MULTIPART_LENGTH),
  sha256: sha256.optional(),
  uploadMode: z.enum(["put", "multipart"], { message: 'must be "put" or "multipart"' }).default("multipart"),
  autoRename: renameMode.optional(),
  multiParts: z.array(partRequest).max(MAX_PARTS).optional(),
});

export const createRevisionBody = z.object({
  fileId: id,
  containerId,
  length: int(0, MAX_MULTIPART_LENGTH),
  sha256: sha256.optional(),
  uploadMode: z.enum(["put", "multipart"], { message: 'must be "put" or "multipart"' }).default("multipart"),
  multiParts: z.array(partRequest).max(MAX_PARTS).optional(),
});

export const uploadUrlBody = z.object({
  fileId: id,
  uploadId: id.optional(),
  containerId,
  multiParts: z.array(partRequest).min(1, "must name at least one part").max(MAX_PARTS),
});

export const completeBody = z.object({
  fileId: id,
  uploadId: id.optional(),
  containerId,
  sha256: sha256.optional(),
});

export const jobBody = z.object({
  taskType: int(1, 7),
  actionType: int(101, 999).optional(),
  dstContainerId: containerId,
  taskInfo: z.object({
    fileInfo: z
      .array(z.object({ fileId: id, filePath: z.string().optional() }))
      .min(1, `must list 1 to ${MAX_JOB_ITEMS} items`)
      .max(MAX_JOB_ITEMS, `must list 1 to ${MAX_JOB_ITEMS} items`),
    newFilePath: id.optional(),
    srcContainerId: containerId,
  }),
});

/** 1 to `max` ids. */
const idList = (max: number, what: string) =>
  z.array(id).min(1, `must list 1 to ${max} ${what}`).max(max, `must list 1 to ${max} ${what}`);

export const shareTaskBody = z.object({
  taskType: int(1, 2),
  containerId,
  fileIds: idList(MAX_PACKAGE_FILES, "files"),
  zipName: z.string().max(250).optional(),
  shareId: id,
  kdstoken: z.string().optional(),
});

export const MAX_SHARE_FILES = 100;

export const shareBody = z.object({
  scope: int(1, 3),
  containerId,
  fileIds: idList(MAX_SHARE_FILES, "files"),
  validDays: int(1, 365),
  extractCode: z
    .string()
    .regex(/^[0-9a-zA-Z]{8}$/, "must be 8 letters or digits")
    .optional(),
  comment: z.string().max(511).optional(),
  expireTime: z.string().optional(),
});

export const shareCancelBody = z.object({
  shareIds: idList(100, "shares"),
});

export const taskDetailBody = z.object({ taskId: id, shareId: id, kdstoken: z.string().optional() });

/** [doc]: up to 100 file ids per call. */
export const MAX_DOWNLOAD_FILES = 100;

export const downloadBody = z.object({
  containerId,
  fileIds: idList(MAX_DOWNLOAD_FILES, "files"),
});
