/**
 * The one place where failures become the wire shape every shell sends (`IpcError`): cloud errors by
 * their kind, validation failures, file-system errors, and anything unexpected as "internal".
 */
import { ZodError } from "zod";
import type { IpcError } from "../../shared/contract.ts";
import { CloudError } from "./cloud/errors.ts";

export type IpcErrorCode = IpcError["code"];

/** A handler failure: an Error (so stacks and `cause` survive) that carries the IpcError to send. */
export class IpcFailure extends Error {
  readonly ipc: IpcError;
  constructor(code: IpcErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "IpcFailure";
    this.ipc =
      options.details === undefined ? { code, message } : { code, message, details: options.details };
  }
}

export function ipcFailure(code: IpcErrorCode, message: string, details?: unknown): IpcFailure {
  return new IpcFailure(code, message, { details });
}

function describeWhen(ms: number | undefined): string {
  return ms === undefined ? "later" : new Date(ms).toISOString().replace(".000Z", "Z").replace("T", " ");
}

/** Words for a cloud failure that tell the user what to do. */
export function describeCloudError(error: CloudError): string {
  const detail = error.hint ? `${error.message} (${error.hint})` : error.message;
  switch (error.kind) {
    case "credentials":
      // Each provider says which credential it was (the app key, the app id, the token).
      return `The credentials were refused: ${detail}`;
    case "clock":
      return `Your clock is off: ${detail}. Set the system clock right and try again.`;
    case "quota":
      return `The daily quota for this call is used up; it resets at ${describeWhen(error.retryAt)}.`;
    case "not-found":
      return `Not found: ${detail}`;
    case "conflict":
      return `Refused: ${detail}`;
    case "too-large":
      return `Too large: ${detail}`;
    case "needs-config":
      return `This needs more settings on the account: ${detail}`;
    case "transient":
      return `The service could not be reached or failed (${detail}); try again later.`;
    case "service":
      return detail;
    case "changed":
      return `The file changed while it was read; it will be sent again when it settles (${detail})`;
    case "cancelled":
      return "Cancelled.";
    case "invalid":
      return `The request was refused as invalid: ${detail}`;
    case "protocol":
      return `The service answered something unexpected: ${detail}`;
  }
}

const cloudKindToCode: Record<CloudError["kind"], IpcErrorCode> = {
  credentials: "credentials",
  clock: "clock",
  quota: "quota",
  "not-found": "not-found",
  conflict: "conflict",
  "too-large": "invalid-input",
  invalid: "invalid-input",
  changed: "transient",
  "needs-config": "unsupported",
  transient: "transient",
  service: "internal",
  cancelled: "conflict",
  protocol: "internal",
};

const errnoToCode: Record<string, [IpcErrorCode, string]> = {
  ENOENT: ["not-found", "No such file or folder"],
  EACCES: ["invalid-input", "Permission denied"],
  EPERM: ["invalid-input", "Operation not permitted"],
  ENOTDIR: ["invalid-input", "Not a folder"],
  EISDIR: ["invalid-input", "Is a folder"],
  ECONNREFUSED: ["transient", "The service refused the connection"],
};

export function toIpcError(error: unknown): IpcError {
  if (error instanceof IpcFailure) return error.ipc;
  if (error instanceof CloudError) {
    const ipc: IpcError = { code: cloudKindToCode[error.kind], message: describeCloudError(error) };
    if (error.retryAt !== undefined) ipc.details = { retryAt: error.retryAt };
    return ipc;
  }
  if (error instanceof ZodError) {
    const message = error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
      .join("; ");
    return { code: "invalid-input", message: `Invalid input: ${message}` };
  }
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === "string" && errnoToCode[errno]) {
    const [code, words] = errnoToCode[errno];
    const path = (error as NodeJS.ErrnoException).path;
    return { code, message: path ? `${words}: ${path}` : words };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "internal", message: message || "Something went wrong inside docsync." };
}

/** Wraps any failure so that what a handler throws always carries its IpcError. */
export function asIpcFailure(error: unknown): IpcFailure {
  if (error instanceof IpcFailure) return error;
  const ipc = toIpcError(error);
  return new IpcFailure(ipc.code, ipc.message, { details: ipc.details, cause: error });
}
