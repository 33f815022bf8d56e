/**
 * Every failure a cloud provider reports is a CloudError whose `kind` tells the caller what to do,
 * so the engine never inspects vendor codes.
 */
export type CloudErrorKind =
  | "credentials" // fix the app id / key / token
  | "clock" // fix the system clock (request Date refused)
  | "quota" // wait until `retryAt`
  | "not-found"
  | "conflict" // the server refused for a rule (name taken, move rules); `message` carries its reason
  | "too-large" // the endpoint does not take a file this size
  | "invalid" // the request was malformed: a bug or a bad argument
  | "changed" // the local file changed while it was being read; upload again when it settles
  | "needs-config" // a capability needs settings the account does not have (e.g. staging credentials)
  | "transient" // 5xx, reset, timeout: safe to retry
  | "service" // the service failed inside in a way only its vendor can fix; `message` says what to tell them
  | "cancelled"
  | "protocol"; // the server answered something that does not match the contract

export class CloudError extends Error {
  readonly kind: CloudErrorKind;
  /** The vendor's own code, when there is one. */
  readonly code: number | undefined;
  readonly hint: string | undefined;
  /** For `quota` and `transient`: the earliest time to try again (ms since epoch). */
  readonly retryAt: number | undefined;

  constructor(
    kind: CloudErrorKind,
    message: string,
    options: { code?: number; hint?: string; retryAt?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "CloudError";
    this.kind = kind;
    this.code = options.code;
    this.hint = options.hint;
    this.retryAt = options.retryAt;
  }

  get retryable(): boolean {
    return this.kind === "transient" || this.kind === "quota";
  }
}

export function isCloudError(error: unknown, kind?: CloudErrorKind): error is CloudError {
  return error instanceof CloudError && (kind === undefined || error.kind === kind);
}
