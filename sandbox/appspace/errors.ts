/** The error envelope of the application-space API (section 1.2 of the contract). */

export class ApiError extends Error {
  readonly code: number;
  readonly status: number;
  readonly hint: string | undefined;
  /** Seconds, sent as the Retry-After header. */
  readonly retryAfter: number | undefined;

  constructor(code: number, status: number, msg: string, extra: { hint?: string; retryAfter?: number } = {}) {
    super(msg);
    this.code = code;
    this.status = status;
    this.hint = extra.hint;
    this.retryAfter = extra.retryAfter;
  }

  body(): { code: number; msg: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, msg: this.message }
      : { code: this.code, msg: this.message, hint: this.hint };
  }
}

export const invalidSignature = (msg: string, hint: string) => new ApiError(30003, 401, msg, { hint });
export const badDate = (msg: string, hint: string) => new ApiError(30004, 401, msg, { hint });
export const unknownApp = (msg: string, hint: string) => new ApiError(30005, 401, msg, { hint });
/** `field` is named first so a developer sees at once which input to fix. */
export const badArgument = (field: string, why: string) => new ApiError(40001, 400, `${field}: ${why}`);
export const notFound = (msg: string) => new ApiError(40004, 404, msg);
export const conflict = (msg: string) => new ApiError(40009, 409, msg);
export const tooLarge = (msg: string) => new ApiError(41300, 413, msg);
export const quotaExhausted = (msg: string, retryAfter: number) =>
  new ApiError(42900, 429, msg, { retryAfter, hint: `the quota resets at 00:00 UTC, in ${retryAfter} s` });
export const serverFault = (msg: string) => new ApiError(50000, 500, msg);

/** Any error thrown while serving a request, as the envelope the contract promises. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 413) return tooLarge(`body: ${message}`);
  if (status === 415) return badArgument("Content-Type", message);
  if (typeof status === "number" && status >= 400 && status < 500) return badArgument("request", message);
  return serverFault(`internal error: ${message}`);
}
