/**
 * Every KDocs appspace shape in one place: the paths, the request bodies, the answers (validated
 * with zod and mapped to the provider's types) and the error codes. The contract marks much of this
 * [ours] (the vendor's pages do not show it), so a correction against the live service changes
 * this file only.
 */
import { z } from "zod";
import { CloudError } from "../errors.ts";
import { expected, known } from "../notices.ts";
import type { ItemFailure, RemoteEntry, ServerTaskStatus } from "../provider.ts";

/** Every appspace path starts here [doc]. */
export const API_PREFIX = "/api/v1/openapi";
export const ROOT_TOKEN = "0";
export const MAX_LIST_COUNT = 500;
export const MAX_MOVE_BATCH = 100;
/** Direct upload takes files up to this size [ours]. */
export const DIRECT_UPLOAD_LIMIT = 64 * 1024 * 1024;
/** JSON requests, and GETs (which sign their URI but still declare a type) [doc]. */
export const JSON_TYPE = "application/json";

export interface ApiCall<T> {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Below API_PREFIX. */
  path: string;
  /** The call as the contract names it, path parameters as names: "GET /appspace/files/{file_token}". */
  name: string;
  query?: Record<string, string>;
  json?: unknown;
  /** Validates and maps the envelope's `data`. */
  data: z.ZodType<T>;
}

const token = z.string().min(1);
const seconds = z.number().transform((s) => Math.round(s * 1000));

/**
 * The file object [ours]. Only the token, name and type are needed to work; the other fields the
 * contract lists are tolerated missing (and reported), with the values docsync assumes then.
 */
const fileObject = z
  .object({
    file_token: token,
    name: z.string(),
    type: z.enum(["file", "folder"]),
    parent_token: expected(z.string()),
    size: expected(z.number().nonnegative()),
    md5: z.string().nullish(),
    version: expected(z.number().int()),
    ctime: expected(z.number()),
    mtime: expected(seconds),
  })
  .transform((f): RemoteEntry => ({
    id: f.file_token,
    name: f.name,
    kind: f.type,
    parentId: f.parent_token ?? "",
    size: f.size ?? 0,
    ...(f.md5 ? { md5: f.md5.toLowerCase() } : {}),
    version: f.version ?? 1,
    mtime: f.mtime ?? 0,
  }));

export interface FilePage {
  entries: RemoteEntry[];
  /** null when there is no more. */
  nextOffset: number | null;
}

const filePage = z
  .object({ files: z.array(fileObject), next_offset: z.number().int() })
  .transform((p): FilePage => ({ entries: p.files, nextOffset: p.next_offset < 0 ? null : p.next_offset }));

export interface DownloadAddress {
  url: string;
  size: number;
  md5?: string;
}

const downloadAddress = z
  .object({ url: z.url(), size: z.number().nonnegative(), md5: z.string().nullish() })
  .transform((d): DownloadAddress => ({ url: d.url, size: d.size, ...(d.md5 ? { md5: d.md5 } : {}) }));

/** An empty id (a move that already ran to completion) becomes null. */
const taskId = z.object({ task_id: z.string().nullish() }).transform((t) => t.task_id || null);

const progress = z.object({ current: expected(z.number()), total: expected(z.number()) });

/** A status word as a state; a word the contract does not know keeps the task waiting [ours]. */
function taskState(
  word: string,
  words: Record<string, ServerTaskStatus["state"]>,
): Pick<ServerTaskStatus, "state" | "unknownStatus"> {
  const state = Object.hasOwn(words, word) ? words[word] : undefined;
  return state ? { state } : { state: "running", unknownStatus: word };
}

/** [doc]: "success"; [ours]: "processing", "failed". */
const IMPORT_WORDS: Record<string, ServerTaskStatus["state"]> = {
  processing: "running",
  success: "succeeded",
  failed: "failed",
};

const importStatus = z
  .object({
    task_id: expected(z.string()),
    status: known(z.string(), Object.keys(IMPORT_WORDS)),
    progress: expected(progress),
    file_token: z.string().nullish(),
    error: z.object({ code: z.number(), msg: expected(z.string().nullable()) }).nullish(),
  })
  .transform((s): ServerTaskStatus => ({
    ...taskState(s.status, IMPORT_WORDS),
    current: s.progress?.current ?? 0,
    total: s.progress?.total ?? -1,
    failed: [],
    ...(s.file_token ? { resultId: s.file_token } : {}),
    ...(s.error ? { error: { code: s.error.code, message: s.error.msg ?? `code ${s.error.code}` } } : {}),
  }));

/** [ours], like the task-result path itself. */
const MOVE_WORDS: Record<string, ServerTaskStatus["state"]> = {
  processing: "running",
  success: "succeeded",
  partial: "partial",
  failed: "failed",
};

const moveStatus = z
  .object({
    task_id: expected(z.string()),
    type: expected(known(z.string(), ["move"])),
    status: known(z.string(), Object.keys(MOVE_WORDS)),
    progress: expected(progress),
    results: expected(
      z.array(z.object({ file_token: z.string(), code: z.number(), msg: expected(z.string().nullable()) })),
    ),
  })
  .transform((s): ServerTaskStatus => ({
    ...taskState(s.status, MOVE_WORDS),
    current: s.progress?.current ?? 0,
    total: s.progress?.total ?? -1,
    failed: (s.results ?? [])
      .filter((r) => r.code !== 0)
      .map((r) => ({ id: r.file_token, code: r.code, message: r.msg ?? `code ${r.code}` })),
  }));

const nothing = z.unknown().transform(() => undefined);

const seg = encodeURIComponent;

export const api = {
  fileInfo: (id: string): ApiCall<RemoteEntry> => ({
    method: "GET",
    path: `/appspace/files/${seg(id)}`,
    name: "GET /appspace/files/{file_token}",
    data: fileObject,
  }),
  list: (parentId: string, offset: number | null, count: number): ApiCall<FilePage> => ({
    method: "GET",
    path: "/appspace/files",
    name: "GET /appspace/files",
    query: {
      parent_token: parentId,
      ...(offset !== null ? { offset: String(offset) } : {}),
      count: String(count),
    },
    data: filePage,
  }),
  createFolder: (parentId: string, name: string): ApiCall<RemoteEntry> => ({
    method: "POST",
    path: "/appspace/folders",
    name: "POST /appspace/folders",
    json: { name, parent_token: parentId },
    data: fileObject,
  }),
  rename: (id: string, newName: string): ApiCall<RemoteEntry> => ({
    method: "PUT",
    path: `/appspace/files/${seg(id)}/name`,
    name: "PUT /appspace/files/{file_token}/name",
    json: { new_name: newName },
    data: fileObject,
  }),
  destroy: (id: string, modifier?: string): ApiCall<void> => ({
    method: "DELETE",
    path: `/appspace/files/${seg(id)}/destroy`,
    name: "DELETE /appspace/files/{file_token}/destroy",
    ...(modifier !== undefined ? { json: { modifier } } : {}),
    data: nothing,
  }),
  downloadAddress: (id: string): ApiCall<DownloadAddress> => ({
    method: "GET",
    path: `/appspace/files/${seg(id)}/download`,
    name: "GET /appspace/files/{file_token}/download",
    data: downloadAddress,
  }),
  startAsyncUpload: (input: AsyncUploadInput): ApiCall<string> => ({
    method: "POST",
    path: "/appspace/file/async/upload",
    name: "POST /appspace/file/async/upload",
    // The vendor's page lists url, filename, creator and parent_token [doc]; file_token is [ours]
    // and may be ignored by the live service, which is why the import is checked afterwards.
    json: {
      url: input.url,
      filename: input.filename,
      parent_token: input.parentId,
      ...(input.replaceId !== undefined ? { file_token: input.replaceId } : {}),
    },
    data: taskId.pipe(z.string({ message: "an async upload answers a task_id" })),
  }),
  asyncUploadStatus: (id: string): ApiCall<ServerTaskStatus> => ({
    method: "GET",
    path: `/appspace/file/async/upload/${seg(id)}`,
    name: "GET /appspace/file/async/upload/{task_id}",
    data: importStatus,
  }),
  startMove: (ids: string[], targetParentId: string): ApiCall<string | null> => ({
    method: "POST",
    path: "/appspace/tasks/files/move",
    name: "POST /appspace/tasks/files/move",
    json: { file_tokens: ids, parent_token: targetParentId },
    data: taskId,
  }),
  taskResult: (id: string): ApiCall<ServerTaskStatus> => ({
    method: "GET",
    path: `/appspace/tasks/${seg(id)}`,
    name: "GET /appspace/tasks/{task_id}",
    data: moveStatus,
  }),
  directUpload: (): ApiCall<RemoteEntry> => ({
    method: "POST",
    path: "/appspace/files/upload",
    name: "POST /appspace/files/upload",
    data: fileObject,
  }),
};

/** Where an upload lands: a folder by id or by path, or a new version of an existing file. */
export interface UploadTarget {
  parentId?: string;
  /** Folder names from the root; missing folders are created. */
  parentPath?: string[];
  replaceId?: string;
}

export interface AsyncUploadInput {
  url: string;
  filename: string;
  /** The folder the file goes into (for a new version: the folder the file is in). */
  parentId: string;
  /** A new version of this file, if the service honours it. */
  replaceId?: string;
}

function uploadTarget(target: UploadTarget): Record<string, string | string[]> {
  if (target.replaceId !== undefined) return { file_token: target.replaceId };
  if (target.parentPath !== undefined) return { parent_path: target.parentPath };
  return { parent_token: target.parentId ?? ROOT_TOKEN };
}

/** The text fields of a direct upload, in order, before the file part. */
export function uploadFields(target: UploadTarget): Array<[string, string]> {
  return Object.entries(uploadTarget(target)).flatMap(([name, value]) =>
    Array.isArray(value) ? value.map((v): [string, string] => [name, v]) : [[name, value]],
  );
}

/** The multipart field that carries the bytes [doc]. */
export const UPLOAD_FILE_FIELD = "file";

export const envelope = z.object({
  code: z.number().int(),
  msg: z.string().nullish(),
  hint: z.string().nullish(),
  data: z.unknown().optional(),
});

/** The envelope with a call's `data`, to compare a whole answer with the contract. */
export function envelopeOf(data: z.ZodType): z.ZodType {
  return envelope.extend({ data });
}

/** KDocs' per-item codes (batch move results, task errors) in words a user can act on. */
export function describeItemFailure(item: ItemFailure): string {
  const { code, message } = item;
  switch (code) {
    case 40004:
      return "it no longer exists";
    case 40009:
      // Per item, a conflict is nearly always a name clash in the target.
      if (!/into itself|below itself/i.test(message)) return "its name is taken in the target folder";
      return `the move was refused: ${message}`;
    case 40001:
      return message ? `the request was refused: ${message}` : "the request was refused";
    case 41300:
      return "the file is too large";
    case 42900:
      return "the daily quota is used up";
    case 50000:
      return "the server failed; try again";
    default:
      return message ? `${message} (code ${code})` : `the server refused it (code ${code})`;
  }
}

export type Envelope = z.infer<typeof envelope>;

/** A non-zero `code` as the CloudError that tells the caller what to do. */
export function errorFromEnvelope(
  failure: Envelope,
  httpStatus: number,
  retryAt: number | undefined,
  now: number = Date.now(),
): CloudError {
  const { code } = failure;
  const said = failure.msg ?? "";
  const options = { code, ...(failure.hint ? { hint: failure.hint } : {}) };
  const detail = (text: string) => (said ? `${text} (${said})` : text);
  switch (code) {
    case 30003:
      return new CloudError(
        "credentials",
        detail("KDocs refused the request signature: the app key is wrong"),
        options,
      );
    case 30005:
      return new CloudError("credentials", detail("KDocs does not know this app id"), options);
    case 30004:
      return new CloudError(
        "clock",
        detail("KDocs refused the request time: check this computer's clock"),
        options,
      );
    case 42900:
      // Quotas are per UTC day [doc]: without Retry-After, the next reset is the next midnight.
      return new CloudError("quota", detail("The daily KDocs quota of this endpoint is used up"), {
        ...options,
        retryAt: retryAt ?? nextUtcMidnight(now),
      });
    case 40004:
      return new CloudError("not-found", detail("No such file, folder or task on KDocs"), options);
    case 40009:
      return new CloudError("conflict", said || "KDocs refused the change as a conflict", options);
    case 41300:
      return new CloudError("too-large", detail("The file is too large for this KDocs endpoint"), options);
    case 40001:
      return new CloudError("invalid", detail("KDocs rejected an argument"), options);
    case 50000:
      return new CloudError("transient", detail("KDocs had a server fault"), {
        ...options,
        ...(retryAt !== undefined ? { retryAt } : {}),
      });
  }
  return errorFromStatus(httpStatus, detail(`KDocs answered code ${code}`), options, retryAt);
}

function nextUtcMidnight(now: number): number {
  const day = 24 * 60 * 60 * 1000;
  return Math.floor(now / day) * day + day;
}

/** An HTTP failure without a readable envelope (a proxy's page, an unknown code). */
export function errorFromStatus(
  status: number,
  message: string,
  options: { code?: number; hint?: string } = {},
  retryAt?: number,
): CloudError {
  const at = retryAt !== undefined ? { retryAt } : {};
  if (status >= 500 || status === 408) return new CloudError("transient", message, { ...options, ...at });
  if (status === 401 || status === 403) return new CloudError("credentials", message, options);
  if (status === 404) return new CloudError("not-found", message, options);
  if (status === 409) return new CloudError("conflict", message, options);
  if (status === 413) return new CloudError("too-large", message, options);
  if (status === 429) return new CloudError("quota", message, { ...options, ...at });
  return new CloudError("protocol", message, options);
}
