/** The KooDrive error envelope: an HTTP status with `{code, msg}` (docs/koodrive-api.md, "Errors"). */

export class KooError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, msg: string) {
    super(msg);
    this.code = code;
    this.status = status;
  }

  body(): { code: string; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

/** Codes the vendor lists (error code table), plus the token code docsync fixes itself. */
export const CODES = {
  badParameter: "13000102",
  nestedFolders: "13000307",
  notFound: "13000309",
  alreadyThere: "13000312",
  noUpload: "13000401",
  integrity: "13000402",
  nameTaken: "13000405",
  notForFolders: "13000406",
  token: "13000001",
  serverFault: "13000500",
} as const;

/** `field` comes first so a developer sees at once which input to fix. */
export const badParameter = (field: string, why: string) =>
  new KooError(CODES.badParameter, 400, `${field}: ${why}`);
export const notFound = (msg: string) => new KooError(CODES.notFound, 400, msg);
export const nameTaken = (name: string) =>
  new KooError(CODES.nameTaken, 400, `the name "${name}" is already taken in this folder`);
export const badToken = (msg: string) => new KooError(CODES.token, 401, msg);

/** Any error thrown while serving a request, as the envelope. */
export function toKooError(error: unknown): KooError {
  if (error instanceof KooError) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === "number" && status >= 400 && status < 500) return badParameter("request", message);
  return new KooError(CODES.serverFault, 500, `internal error: ${message}`);
}
