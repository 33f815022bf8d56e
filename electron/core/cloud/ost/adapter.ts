/**
 * Every iFlytek OST shape in one place (contract section 2): the paths, the answers (validated with
 * zod) and the error codes, so a correction against the live service changes this file only.
 */
import { z } from "zod";
import { CloudError } from "../errors.ts";
import { expected } from "../notices.ts";

/** `/file/upload` takes files under 30 MB [doc]. */
export const SINGLE_UPLOAD_LIMIT = 30_000_000;
/** The server forgets an upload id after 24 h (code 10005) [ours]. */
export const UPLOAD_ID_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The vendor's error codes [doc]. */
export const CODES = { badRequest: 10001, expired: 10005 } as const;

/**
 * Faults inside the service for which the vendor's table says "提交工单" (open a support ticket):
 * sending the request again does not help, a person at iFlytek has to look [doc].
 */
const TICKET_CODES: Record<number, string> = {
  10002: "its storage (S3) failed",
  10003: "its database failed",
  10004: "its cache failed",
  10006: "an I/O operation failed",
  10007: "pushing the task failed",
};

/** A code for which the vendor asks for a support ticket, whatever HTTP status came with it. */
export function isTicketCode(code: unknown): boolean {
  return typeof code === "number" && TICKET_CODES[code] !== undefined;
}

/** The answer of every call, as the transport hands it over (its `code` already a number). */
export interface OstAnswer {
  code: number;
  message: string;
  sid?: string;
  data?: Record<string, unknown>;
}

export interface OstCall<T> {
  path: string;
  /** Validates the whole answer (its code already 0) and picks what the caller needs. */
  answer: z.ZodType<T>;
}

const head = { code: z.number(), sid: expected(z.string()), message: expected(z.string()) };
const withData = <T extends z.ZodRawShape>(data: T) => z.object({ ...head, data: z.object(data) });
const bare = z.object(head).transform(() => undefined);

export const calls = {
  init: {
    path: "/file/mpupload/init",
    answer: withData({ upload_id: z.string().min(1) }).transform((a) => a.data.upload_id),
  } satisfies OstCall<string>,
  slice: { path: "/file/mpupload/upload", answer: bare } satisfies OstCall<void>,
  complete: {
    path: "/file/mpupload/complete",
    answer: withData({ url: z.string().min(1) }).transform((a) => a.data.url),
  } satisfies OstCall<string>,
  cancel: { path: "/file/mpupload/cancel", answer: bare } satisfies OstCall<void>,
  single: {
    path: "/file/upload",
    answer: withData({ url: z.string().min(1) }).transform((a) => a.data.url),
  } satisfies OstCall<string>,
};

/** A non-zero `code` as the CloudError that tells the caller what to do. */
export function errorFromAnswer(path: string, answer: OstAnswer, now: number): CloudError {
  const { code } = answer;
  const message = `OST ${path}: ${answer.message} (code ${code})`;
  if (code === CODES.expired) return new CloudError("not-found", message, { code });
  if (code === CODES.badRequest) return new CloudError("invalid", message, { code });
  const fault = TICKET_CODES[code];
  if (fault !== undefined) {
    const sid = answer.sid ? `, sid ${answer.sid}` : "";
    return new CloudError(
      "service",
      `iFlytek OST failed inside: ${fault} (code ${code}) at ${path}. Trying again does not help; ` +
        `iFlytek asks for a support ticket: tell them code ${code}${sid}, the time ${new Date(now).toISOString()} ` +
        `and "${answer.message}".`,
      { code, hint: "Open a support ticket with iFlytek (讯飞开放平台 工单) with these details." },
    );
  }
  return new CloudError("protocol", message, { code });
}
