/**
 * The one place where failures become the wire shape every shell sends (`IpcError`): cloud errors by
 * their kind, validation failures, file-system errors, and anything unexpected as "internal".
 */
import { ZodError } from "zod";
import type { IpcError } from "../../shared/contract.ts";
import { CloudError } from "./cloud/errors.ts";
import { inEnglish, phraseOf, say, type Phrase, type Words } from "./words.ts";

export type IpcErrorCode = IpcError["code"];

/** A handler failure: an Error (so stacks and `cause` survive) that carries the IpcError to send. */
export class IpcFailure extends Error {
  readonly ipc: IpcError;
  constructor(code: IpcErrorCode, words: Words, options: { details?: unknown; cause?: unknown } = {}) {
    const message = inEnglish(words);
    super(message, { cause: options.cause });
    this.name = "IpcFailure";
    const phrase = phraseOf(words);
    this.ipc = {
      code,
      message,
      ...(phrase ? { phrase } : {}),
      ...(options.details === undefined ? {} : { details: options.details }),
    };
  }
}

export function ipcFailure(code: IpcErrorCode, words: Words, details?: unknown): IpcFailure {
  return new IpcFailure(code, words, { details });
}

function describeWhen(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z").replace("T", " ");
}

/**
 * A cloud failure in words that tell the user what to do. The service's (or the provider's) own
 * message is the detail, shown as it came.
 */
export function cloudErrorPhrase(error: CloudError): Phrase {
  const detail = error.hint
    ? say("errors.withDetail", { message: error.message, hint: error.hint })
    : error.message;
  switch (error.kind) {
    case "credentials":
      // Each provider says which credential it was (the app key, the app id, the token).
      return say("errors.cloud.credentials", { detail });
    case "clock":
      return say("errors.cloud.clock", { detail });
    case "quota":
      return error.retryAt === undefined
        ? say("errors.cloud.quotaLater")
        : say("errors.cloud.quota", { time: describeWhen(error.retryAt) });
    case "not-found":
      return say("errors.cloud.notFound", { detail });
    case "conflict":
      return say("errors.cloud.conflict", { detail });
    case "too-large":
      return say("errors.cloud.tooLarge", { detail });
    case "needs-config":
      return say("errors.cloud.needsConfig", { detail });
    case "transient":
      return say("errors.cloud.transient", { detail });
    case "service":
      return say("errors.said", { text: detail });
    case "changed":
      return say("errors.cloud.changed", { detail });
    case "cancelled":
      return say("errors.cloud.cancelled");
    case "invalid":
      return say("errors.cloud.invalid", { detail });
    case "protocol":
      return say("errors.cloud.protocol", { detail });
  }
}

/** A cloud failure's words in English (logs, the command line's JSON). */
export function describeCloudError(error: CloudError): string {
  return inEnglish(cloudErrorPhrase(error));
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

const errnoToCode = {
  ENOENT: "not-found",
  EACCES: "invalid-input",
  EPERM: "invalid-input",
  ENOTDIR: "invalid-input",
  EISDIR: "invalid-input",
  ECONNREFUSED: "transient",
} as const satisfies Record<string, IpcErrorCode>;

const failed = (code: IpcErrorCode, phrase: Phrase): IpcError => ({
  code,
  message: inEnglish(phrase),
  phrase,
});

export function toIpcError(error: unknown): IpcError {
  if (error instanceof IpcFailure) return error.ipc;
  if (error instanceof CloudError) {
    const ipc = failed(cloudKindToCode[error.kind], cloudErrorPhrase(error));
    if (error.retryAt !== undefined) ipc.details = { retryAt: error.retryAt };
    return ipc;
  }
  if (error instanceof ZodError) {
    const issues = error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
      .join("; ");
    return failed("invalid-input", say("errors.invalidInput", { issues }));
  }
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === "string" && Object.hasOwn(errnoToCode, errno)) {
    const known = errno as keyof typeof errnoToCode;
    const words = say(`errors.fs.${known}`);
    const path = (error as NodeJS.ErrnoException).path;
    return failed(errnoToCode[known], path ? say("errors.fs.withPath", { words, path }) : words);
  }
  const message = error instanceof Error ? error.message : String(error);
  return message ? { code: "internal", message } : failed("internal", say("errors.internal"));
}

/** The words of any failure: its phrase when the core knows one, else its message as it is. */
export function failureWords(error: unknown): Words {
  const ipc = toIpcError(error);
  return ipc.phrase ?? ipc.message;
}

/** Wraps any failure so that what a handler throws always carries its IpcError. */
export function asIpcFailure(error: unknown): IpcFailure {
  if (error instanceof IpcFailure) return error;
  const ipc = toIpcError(error);
  return new IpcFailure(ipc.code, ipc.phrase ?? ipc.message, { details: ipc.details, cause: error });
}
