/**
 * Every KooDrive shape in one place: paths, request bodies, answers (validated with zod and mapped to
 * the provider's types) and error codes. docs/koodrive-api.md marks what the vendor documents [doc]
 * and what docsync fixes itself [ours]; a correction against the live service changes this file.
 */
import { z } from "zod";
import { CloudError } from "../errors.ts";
import { expected, known } from "../notices.ts";
import type { ItemFailure, RemoteEntry, ServerTaskItemResult, ServerTaskStatus } from "../provider.ts";

/** Every drive path starts here [doc]. */
export const API_PREFIX = "/koodrive/ose/v1";
/** The personal space's root folder id [doc]. */
export const ROOT_ID = "root";
export const FOLDER_TYPE = "10";
/** Page size default and ceiling [doc]. */
export const MAX_PAGE_SIZE = 100;
/** Part sizes: 5 MiB to 5 GiB, the last part may be smaller [doc]. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
export const MAX_PARTS = 10_000;
/** A multipart upload takes files up to 200 GB [doc]. */
export const MAX_FILE_SIZE = 200 * 1000 ** 3;
/** Items per batch job [ours]; files per package download [doc]. */
export const MAX_JOB_ITEMS = 1000;
export const MAX_PACKAGE_FILES = 1000;
/** Files and folders one share holds [doc]. */
export const MAX_SHARE_FILES = 100;
/** A token lapses 20 minutes after the last call made with it [doc]. */
export const TOKEN_LIFETIME_MS = 20 * 60 * 1000;

export const JOB = {
  copy: { taskType: 1, actionType: 101 },
  delete: { taskType: 2, actionType: 202 },
  move: { taskType: 3, actionType: 301 },
} as const;

export interface ApiCall<T> {
  method: "GET" | "POST";
  /** Below API_PREFIX. */
  path: string;
  /** The call as docs/koodrive-api.md names it, path parameters as names: "POST /files/{fileId}/detail". */
  name: string;
  json?: unknown;
  /** Validates and maps the whole answer (its code already checked). */
  data: z.ZodType<T>;
}

const id = z.string().min(1);
/** `2023-08-18T05:43:49Z` [doc format] as Unix milliseconds; unreadable times count as 0. */
const time = z
  .string()
  .optional()
  .transform((text) => {
    const ms = text ? Date.parse(text) : Number.NaN;
    return Number.isNaN(ms) ? 0 : ms;
  });

export const fileObject = z
  .object({
    id,
    fileName: z.string(),
    fileType: z.string(),
    parentFolder: expected(z.array(z.string()).nullable()),
    containers: z.array(z.string()).nullish(),
    size: expected(z.number().nonnegative().nullable()),
    sha256: z.string().nullish(),
    version: z.number().int().nullish(),
    recycled: z.boolean().nullish(),
    createdTime: z.string().nullish(),
    editedTime: time,
  })
  .transform((f): RemoteEntry & { sha256?: string } => ({
    id: f.id,
    name: f.fileName,
    // 11 is a "smart folder" [doc]: still a folder to docsync.
    kind: f.fileType === FOLDER_TYPE || f.fileType === "11" ? "folder" : "file",
    parentId: f.parentFolder?.[0] ?? "",
    size: f.size ?? 0,
    version: f.version ?? 1,
    mtime: f.editedTime,
    ...(f.sha256 ? { sha256: f.sha256.toLowerCase() } : {}),
  }));

export type KooEntry = z.infer<typeof fileObject>;

export interface FilePage {
  entries: KooEntry[];
  next: string | null;
}

const filePage = z
  .object({
    category: z.string().nullish(),
    files: z.array(fileObject).nullish(),
    nextCursor: z.string().nullish(),
  })
  .transform((p): FilePage => ({ entries: p.files ?? [], next: p.nextCursor || null }));

export interface PartAddress {
  partNumber: number;
  partSize: number;
  uploadUrl: string;
}

const partAddress = z.object({
  partNumber: z.number().int().min(1),
  partSize: z.number().int().nonnegative(),
  uploadUrl: z.url(),
});

export interface UploadSession {
  fileId: string;
  uploadId: string;
  /** The content was already on the server: the file exists, nothing to send [doc]. */
  rapid: boolean;
  parts: PartAddress[];
}

const uploadSession = z
  .object({
    fileId: id,
    uploadId: z.string().nullish(),
    rapidUpload: z.boolean().nullish(),
    fileName: z.string().nullish(),
    parentFolder: z.array(z.string()).nullish(),
    containerId: z.string().nullish(),
    multiParts: z.array(partAddress).nullish(),
  })
  .transform((s): UploadSession => ({
    fileId: s.fileId,
    uploadId: s.uploadId ?? "",
    rapid: s.rapidUpload === true,
    parts: s.multiParts ?? [],
  }));

const partAddresses = z.object({ multiParts: z.array(partAddress) }).transform((a) => a.multiParts);

const nothing = z.unknown().transform(() => undefined);

const jobId = z.object({ data: z.union([id, z.number().transform(String)]) }).transform((j) => j.data);

const taskId = z.object({ taskId: id }).transform((t) => t.taskId);

/** Job and task status: 0 pending, 1 running, 2 completed, 3 cancelled [doc]. */
const STATUS = { pending: 0, running: 1, done: 2, cancelled: 3 } as const;
const STATUS_VALUES = Object.values(STATUS);
/** taskResultCode: 1 all succeeded, 2 partly failed, 3 all failed [doc]; 0 while running [ours]. */
const RESULT_VALUES = [0, 1, 2, 3];

/**
 * The end state a finished task reports; a result code the contract does not know is read from what
 * the task says of its items instead.
 */
function finalState(
  resultCode: number | null | undefined,
  otherwise: ServerTaskStatus["state"],
): ServerTaskStatus["state"] {
  if (resultCode === 1) return "succeeded";
  if (resultCode === 2) return "partial";
  if (resultCode === 3) return "failed";
  return otherwise;
}

/** A status number the contract does not know keeps the task waiting, named as the service said it. */
function waitingOrRunning(status: number): Pick<ServerTaskStatus, "state" | "unknownStatus"> {
  return status === STATUS.pending || status === STATUS.running
    ? { state: "running" }
    : { state: "running", unknownStatus: String(status) };
}

const jobStatus = z
  .object({
    data: z.object({
      jobInfo: z.object({
        taskId: z.string().nullish(),
        taskName: z.string().nullish(),
        userId: z.string().nullish(),
        taskType: z.number().int().nullish(),
        actionType: z.number().int().nullish(),
        status: known(z.number().int(), STATUS_VALUES),
        taskResultCode: known(z.number().int().nullish(), RESULT_VALUES),
        resultCode: z.number().int().nullish(),
        progress: z.number().nullish(),
        contentNum: expected(z.number().int().nullable()),
        containerId: z.string().nullish(),
        createTime: z.string().nullish(),
        beginTime: z.string().nullish(),
        endTime: z.string().nullish(),
      }),
      taskInfos: z
        .array(
          z.object({
            fileId: z.string(),
            status: z.number().int().nullish(),
            resultCode: z.number().int(),
            msg: z.string().nullish(),
          }),
        )
        .nullish(),
    }),
  })
  .transform(({ data: { jobInfo, taskInfos } }): ServerTaskStatus => {
    const total = jobInfo.contentNum ?? -1;
    const current = taskInfos
      ? taskInfos.length
      : total > 0
        ? Math.round(((jobInfo.progress ?? 0) * total) / 100)
        : 0;
    const failed: ServerTaskItemResult[] = (taskInfos ?? [])
      .filter((item) => item.resultCode !== 0)
      .map((item) => ({
        id: item.fileId,
        code: item.resultCode,
        message: item.msg ?? `code ${item.resultCode}`,
      }));
    if (jobInfo.status === STATUS.cancelled) {
      return {
        state: "failed",
        current,
        total,
        failed,
        error: { code: 0, message: "The job was cancelled on KooDrive." },
      };
    }
    if (jobInfo.status !== STATUS.done)
      return { ...waitingOrRunning(jobInfo.status), current, total, failed };
    const items = total >= 0 ? total : current;
    const state = finalState(
      jobInfo.taskResultCode,
      failed.length === 0 ? "succeeded" : failed.length >= items ? "failed" : "partial",
    );
    const first = failed[0];
    return {
      state,
      current: total >= 0 ? total : current,
      total,
      failed,
      ...(state === "failed" && first ? { error: { code: first.code, message: first.message } } : {}),
    };
  });

export interface PackageStatus extends ServerTaskStatus {
  downloadUrl?: string;
}

/** The seed's taskInfo [doc]; progress is a percentage, so the task counts to 100. */
const packageStatus = z
  .object({
    taskInfo: z.object({
      userId: z.string().nullish(),
      taskId: z.string().nullish(),
      taskType: z.number().int().nullish(),
      taskStatus: known(z.number().int(), STATUS_VALUES),
      taskResultCode: known(z.number().int().nullish(), RESULT_VALUES),
      resultCode: z.number().int().nullish(),
      createTime: z.string().nullish(),
      startTime: z.string().nullish(),
      endTime: z.string().nullish(),
      progress: expected(z.number().nullable()),
      downloadUrl: z.string().nullish(),
    }),
  })
  .transform(({ taskInfo }): PackageStatus => {
    const current = Math.max(0, Math.min(100, taskInfo.progress ?? 0));
    const base = { current, total: 100, failed: [] };
    if (taskInfo.taskStatus === STATUS.cancelled) {
      return {
        ...base,
        state: "failed",
        error: { code: 0, message: "The package was cancelled on KooDrive." },
      };
    }
    if (taskInfo.taskStatus !== STATUS.done) return { ...base, ...waitingOrRunning(taskInfo.taskStatus) };
    const code = taskInfo.resultCode ?? 0;
    // Without a result code it knows, a package that has an address was made, one without was not.
    const state = finalState(
      taskInfo.taskResultCode,
      !taskInfo.downloadUrl ? "failed" : code === 0 ? "succeeded" : "partial",
    );
    return {
      ...base,
      current: 100,
      state,
      ...(state !== "failed" && taskInfo.downloadUrl ? { downloadUrl: taskInfo.downloadUrl } : {}),
      ...(state === "failed"
        ? { error: { code, message: "None of the selected files could be packed." } }
        : state === "partial"
          ? { error: { code, message: "Some of the selected files could not be packed." } }
          : {}),
    };
  });

/** A share link [doc]; only its id matters to docsync, which shares only to pack a zip. */
const shareLink = z
  .object({
    shareLink: z.object({
      shareId: id,
      shortUrl: z.string().nullish(),
      linkUrl: z.string().nullish(),
      extractCode: z.string().nullish(),
      comment: z.string().nullish(),
      expireTime: z.string().nullish(),
    }),
  })
  .transform((answer) => answer.shareLink.shareId);

const shareCancelled = z
  .object({
    subResponseList: z
      .array(
        z.object({
          shareId: z.string().nullish(),
          code: z.union([z.number(), z.string()]),
          msg: z.string().nullish(),
        }),
      )
      .nullish(),
  })
  .transform(() => undefined);

/** One file's download address, or why the service gave none [doc fields; `code` "0" on success is ours]. */
export type DownloadLink =
  { fileId: string; url: string } | { fileId: string; code: number; message: string };

const downloadLinks = z
  .object({
    batchCode: z.number().nullish(),
    downloads: z
      .array(
        z.object({
          fileId: id,
          fileName: z.string().nullish(),
          url: z.string().nullish(),
          code: z.union([z.number(), z.string()]).nullish(),
          msg: z.string().nullish(),
        }),
      )
      .nullish(),
  })
  .transform((answer): DownloadLink[] =>
    (answer.downloads ?? []).map((d) => {
      const code = Number(d.code ?? 0);
      return d.url && (code === 0 || Number.isNaN(code))
        ? { fileId: d.fileId, url: d.url }
        : { fileId: d.fileId, code: Number.isNaN(code) ? 0 : code, message: d.msg ?? "" };
    }),
  );

const seg = encodeURIComponent;
const space = (containerId: string | undefined) => (containerId ? { containerId } : {});

export interface UploadRequest {
  length: number;
  mode: "put" | "multipart";
  /** For a put: the one part's size is the file's. */
  parts?: { partNumber: number; partSize: number }[];
}

export const api = {
  list: (
    parentId: string,
    cursor: string | null,
    pageSize: number,
    containerId?: string,
  ): ApiCall<FilePage> => ({
    method: "POST",
    path: "/files/0",
    name: "POST /files/0",
    json: {
      ...space(containerId),
      parentFileId: parentId,
      pageInfo: { pageSize, ...(cursor ? { pageCursor: cursor } : {}) },
    },
    data: filePage,
  }),
  detail: (fileId: string, containerId?: string): ApiCall<KooEntry> => ({
    method: "POST",
    path: `/files/${seg(fileId)}/detail`,
    name: "POST /files/{fileId}/detail",
    json: space(containerId),
    data: fileObject,
  }),
  /** Addresses that serve each file's content to a plain GET [doc: up to 100 ids]. */
  downloadLinks: (fileIds: string[], containerId?: string): ApiCall<DownloadLink[]> => ({
    method: "POST",
    path: "/files/download",
    name: "POST /files/download",
    json: { ...space(containerId), fileIds },
    data: downloadLinks,
  }),
  createFolder: (parentId: string, name: string, containerId?: string): ApiCall<KooEntry> => ({
    method: "POST",
    path: "/directory",
    name: "POST /directory",
    // renameMode 3: a taken name fails instead of getting a time stamp [doc].
    json: {
      ...space(containerId),
      fileName: name,
      fileType: FOLDER_TYPE,
      parentFolder: [parentId],
      renameMode: 3,
    },
    data: fileObject,
  }),
  rename: (fileId: string, name: string, containerId?: string): ApiCall<void> => ({
    method: "POST",
    path: `/files/rename/${seg(fileId)}`,
    name: "POST /files/rename/{fileId}",
    json: { ...space(containerId), name, renameMode: 3 },
    data: nothing,
  }),
  createFile: (
    parentId: string,
    name: string,
    request: UploadRequest,
    containerId?: string,
  ): ApiCall<UploadSession> => ({
    method: "POST",
    path: "/files/create",
    name: "POST /files/create",
    json: {
      ...space(containerId),
      fileName: name,
      parentFolder: [parentId],
      length: request.length,
      uploadMode: request.mode,
      autoRename: 3,
      ...(request.parts ? { multiParts: request.parts } : {}),
    },
    data: uploadSession,
  }),
  createRevision: (fileId: string, request: UploadRequest, containerId?: string): ApiCall<UploadSession> => ({
    method: "POST",
    path: "/revision/createRevision",
    name: "POST /revision/createRevision",
    json: {
      ...space(containerId),
      fileId,
      length: request.length,
      uploadMode: request.mode,
      ...(request.parts ? { multiParts: request.parts } : {}),
    },
    data: uploadSession,
  }),
  uploadUrls: (
    fileId: string,
    uploadId: string,
    parts: { partNumber: number; partSize: number }[],
    containerId?: string,
  ): ApiCall<PartAddress[]> => ({
    method: "POST",
    path: "/files/multipart/uploadUrl",
    name: "POST /files/multipart/uploadUrl",
    json: { ...space(containerId), fileId, ...(uploadId ? { uploadId } : {}), multiParts: parts },
    data: partAddresses,
  }),
  complete: (
    kind: "create" | "revision",
    fileId: string,
    uploadId: string,
    sha256: string,
    containerId?: string,
  ): ApiCall<void> => ({
    method: "POST",
    path: kind === "create" ? "/files/complete" : "/revision/completeRevision",
    name: kind === "create" ? "POST /files/complete" : "POST /revision/completeRevision",
    json: { ...space(containerId), fileId, ...(uploadId ? { uploadId } : {}), sha256 },
    data: nothing,
  }),
  startJob: (
    job: (typeof JOB)[keyof typeof JOB],
    fileIds: string[],
    targetId: string | undefined,
    containerId?: string,
  ): ApiCall<string> => ({
    method: "POST",
    path: "/jobs",
    name: "POST /jobs",
    json: {
      taskType: job.taskType,
      actionType: job.actionType,
      ...(containerId ? { dstContainerId: containerId } : {}),
      taskInfo: {
        fileInfo: fileIds.map((fileId) => ({ fileId })),
        ...(targetId !== undefined ? { newFilePath: targetId } : {}),
        ...(containerId ? { srcContainerId: containerId } : {}),
      },
    },
    data: jobId,
  }),
  job: (jobIdValue: string): ApiCall<ServerTaskStatus> => ({
    method: "GET",
    path: `/${seg(jobIdValue)}`,
    name: "GET /{jobId}",
    data: jobStatus,
  }),
  /** A link share of up to 100 items, valid for a day: what a package of them is made from [doc]. */
  createShare: (fileIds: string[], containerId?: string): ApiCall<string> => ({
    method: "POST",
    path: "/share",
    name: "POST /share",
    json: { scope: 1, fileIds, ...space(containerId), validDays: 1 },
    data: shareLink,
  }),
  cancelShares: (shareIds: string[]): ApiCall<void> => ({
    method: "POST",
    path: "/share/cancel",
    name: "POST /share/cancel",
    json: { shareIds },
    data: shareCancelled,
  }),
  startPackage: (
    fileIds: string[],
    zipName: string | undefined,
    shareId: string,
    containerId?: string,
  ): ApiCall<string> => ({
    method: "POST",
    path: "/share/tasks",
    name: "POST /share/tasks",
    json: {
      ...space(containerId),
      taskType: 1,
      fileIds,
      shareId,
      ...(zipName ? { zipName } : {}),
    },
    data: taskId,
  }),
  packageStatus: (taskIdValue: string, shareId: string): ApiCall<PackageStatus> => ({
    method: "POST",
    path: "/share/taskDetail",
    name: "POST /share/taskDetail",
    json: { taskId: taskIdValue, shareId },
    data: packageStatus,
  }),
};

/** `code` is a number or a numeric string depending on the endpoint [doc]; 0 is success. */
export const envelope = z.object({ code: z.union([z.number(), z.string()]), msg: z.string().nullish() });

export function isSuccess(code: number | string): boolean {
  return Number(code) === 0;
}

/** The vendor's error codes [doc], and the token code [ours]. */
export const CODES = {
  token: 13000001,
  badParameter: 13000102,
  nested: 13000307,
  notFound: 13000309,
  alreadyThere: 13000312,
  noUpload: 13000401,
  integrity: 13000402,
  nameTaken: 13000405,
  notForFolders: 13000406,
} as const;

/** A failure answer as the CloudError that tells the caller what to do. */
export function errorFromAnswer(
  httpStatus: number,
  rawCode: number | string | undefined,
  said: string | undefined,
  retryAt: number | undefined,
): CloudError {
  const code = rawCode === undefined ? undefined : Number(rawCode);
  const options = { ...(code !== undefined && !Number.isNaN(code) ? { code } : {}) };
  const detail = (text: string) => (said ? `${text} (${said})` : text);
  if (httpStatus === 401 || httpStatus === 403 || code === CODES.token) {
    return new CloudError("credentials", detail("KooDrive refused the access token"), {
      ...options,
      hint: "Sign in to KooDrive again and update the account's token: a token lapses after 20 minutes without a call.",
    });
  }
  if (httpStatus >= 500 || httpStatus === 408 || httpStatus === 429) {
    return new CloudError(
      httpStatus === 429 ? "quota" : "transient",
      detail(`KooDrive answered HTTP ${httpStatus}`),
      {
        ...options,
        ...(retryAt !== undefined ? { retryAt } : {}),
      },
    );
  }
  switch (code) {
    case CODES.notFound:
      return new CloudError("not-found", detail("No such file, folder or job on KooDrive"), options);
    case CODES.nameTaken:
    case CODES.nested:
    case CODES.alreadyThere:
      return new CloudError("conflict", said || "KooDrive refused the change as a conflict", options);
    case CODES.noUpload:
      return new CloudError("not-found", detail("KooDrive has no such upload in progress"), options);
    case CODES.integrity:
      return new CloudError(
        "transient",
        detail("KooDrive received bytes whose SHA-256 does not match"),
        options,
      );
    case CODES.badParameter:
    case CODES.notForFolders:
      return new CloudError("invalid", detail("KooDrive rejected an argument"), options);
  }
  if (httpStatus === 404) return new CloudError("not-found", detail("KooDrive has no such address"), options);
  if (httpStatus === 413) return new CloudError("too-large", detail("KooDrive refused the size"), options);
  return new CloudError(
    "protocol",
    detail(`KooDrive answered HTTP ${httpStatus} with code ${rawCode ?? "none"}`),
    options,
  );
}

/** The error a failed job item stands for. */
export function errorFromItem(item: ServerTaskItemResult): CloudError {
  return errorFromAnswer(400, item.code, item.message, undefined);
}

/** KooDrive's per-item codes (job results) in words a user can act on. */
export function describeItemFailure(item: ItemFailure): string {
  const { code, message } = item;
  switch (code) {
    case CODES.notFound:
      return "it no longer exists";
    case CODES.nameTaken:
      return "its name is taken in the target folder";
    case CODES.alreadyThere:
      return "it is in the target folder already";
    case CODES.nested:
      return "a folder cannot move into itself or below itself";
    case CODES.notForFolders:
      return "this cannot be done to a folder";
    case CODES.badParameter:
      return message ? `the request was refused: ${message}` : "the request was refused";
    case 0:
      return message || "KooDrive could not do it";
    default:
      return message ? `${message} (code ${code})` : `KooDrive refused it (code ${code})`;
  }
}
