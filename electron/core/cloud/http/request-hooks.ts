/**
 * What the caller of a cloud operation hears from, and asks of, the requests the operation makes.
 * The providers build and send their requests themselves (a file in one body, in slices, in parts);
 * the engine paces their bytes against the bandwidth cap and adapts how many run at once to the
 * service's pushback, without every provider's signature carrying both. The hooks follow the async
 * context of the operation, so concurrent operations each keep their own.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CloudError } from "../errors.ts";

export interface RequestHooks {
  /** The service pushed back: a 5xx, a 429, a timeout, a dropped connection (retried or not). */
  pushback?(error: CloudError): void;
  /** Resolves once `bytes` more of a request body may go on the wire. */
  pace?(bytes: number, signal?: AbortSignal): Promise<void>;
}

const storage = new AsyncLocalStorage<RequestHooks>();

/** Runs `work` with `hooks` added to those of the operation around it (the inner ones win). */
export function withRequestHooks<T>(hooks: RequestHooks, work: () => Promise<T>): Promise<T> {
  return storage.run({ ...storage.getStore(), ...hooks }, work);
}

export const requestHooks = (): RequestHooks => storage.getStore() ?? {};
