/**
 * The one gate every shell sends channel calls through: the name must be in the contract's table, the
 * input must match its schema, and whatever the handler does, the caller gets a result or an IpcError,
 * never a crash.
 */
import type { z } from "zod";
import {
  channels,
  type Channel,
  type Envelope,
  type Handlers,
  type IpcError,
  type ShellHandlers,
} from "../../shared/contract.ts";
import { toIpcError } from "../core/ipc-error.ts";

export type Dispatch = (channel: unknown, rawInput: unknown) => Promise<Envelope>;

/** What a shell serves: the core's handlers, and those of the shell channels it can answer. */
export type ServedHandlers = Handlers & Partial<ShellHandlers>;

export interface DispatchOptions {
  /** Told about results that break the contract and about unexpected failures (for the log). */
  onInternalError?: (channel: string, error: unknown) => void;
}

function describeZod(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

function failure(code: IpcError["code"], message: string): Envelope {
  return { ok: false, error: { code, message } };
}

export function createDispatcher(handlers: ServedHandlers, options: DispatchOptions = {}): Dispatch {
  return async (channel, rawInput) => {
    if (typeof channel !== "string" || !Object.hasOwn(channels, channel)) {
      const name = typeof channel === "string" ? channel.slice(0, 100) : typeof channel;
      return failure("invalid-input", `Unknown channel: ${name}`);
    }
    const spec = channels[channel as Channel];
    const handler = handlers[channel as Channel] as ((input: unknown) => Promise<unknown>) | undefined;
    if (!handler) return failure("unsupported", `This docsync window cannot answer ${channel}.`);
    // A channel without arguments may be called with none at all.
    const parsed = spec.input.safeParse(rawInput === undefined || rawInput === null ? {} : rawInput);
    if (!parsed.success) {
      return failure("invalid-input", `Invalid input for ${channel}: ${describeZod(parsed.error)}`);
    }
    let result: unknown;
    try {
      result = await handler(parsed.data);
    } catch (error) {
      const ipc = toIpcError(error);
      if (ipc.code === "internal") options.onInternalError?.(channel, error);
      return { ok: false, error: ipc };
    }
    const checked = spec.result.safeParse(result);
    if (!checked.success) {
      options.onInternalError?.(channel, checked.error);
      return failure("internal", `docsync answered ${channel} with something unexpected.`);
    }
    return { ok: true, result: checked.data };
  };
}
