/** How background work puts its outcome in words. */
import { CloudError } from "../cloud/errors.ts";
import { describeCloudError, toIpcError } from "../ipc-error.ts";

/** A failure in words a user can act on. */
export function failureText(error: unknown): string {
  return error instanceof CloudError ? describeCloudError(error) : toIpcError(error).message;
}

/** "1 item", "3 items". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
