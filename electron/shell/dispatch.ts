/**
 * The one gate every shell sends channel calls through: the name must be in the table, the input must
 * match its schema, and whatever the handler does, the caller gets a result or an IpcError, never a crash.
 */
import type { z } from "zod";
import { channels, type Channel, type Handlers, type IpcError } from "../../shared/contract.ts";
import { toIpcError } from "../core/ipc-error.ts";

export type Envelope<T = unknown> = { ok: true; result: T } | { ok: false; error: IpcError };

export interface ChannelSpec {
  input: z.ZodType;
  result: z.ZodType;
}
export type ChannelTable = Record<string, ChannelSpec>;
export type TableHandlers<T extends ChannelTable> = {
  [C in keyof T]: (input: z.output<T[C]["input"]>) => Promise<z.output<T[C]["result"]>>;
};

export type Dispatch = (channel: unknown, rawInput: unknown) => Promise<Envelope>;

export interface DispatchOptions {
  /** Told about results that break the contract and about unexpected failures (for the log). */
  onInternalError?: (channel: string, error: unknown) => void;
}

function describeZod(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/** A dispatcher over any channel table (the contract's, or a shell's own extra channels). */
export function createTableDispatcher<T extends ChannelTable>(
  table: T,
  handlers: TableHandlers<T>,
  options: DispatchOptions = {},
): Dispatch {
  return async (channel, rawInput) => {
    if (typeof channel !== "string" || !Object.hasOwn(table, channel)) {
      const name = typeof channel === "string" ? channel.slice(0, 100) : typeof channel;
      return { ok: false, error: { code: "invalid-input", message: `Unknown channel: ${name}` } };
    }
    const spec = table[channel] as ChannelSpec;
    // A channel without arguments may be called with none at all.
    const parsed = spec.input.safeParse(rawInput === undefined || rawInput === null ? {} : rawInput);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: "invalid-input",
          message: `Invalid input for ${channel}: ${describeZod(parsed.error)}`,
        },
      };
    }
    let result: unknown;
    try {
      const handler = handlers[channel as keyof T] as (input: unknown) => Promise<unknown>;
      result = await handler(parsed.data);
    } catch (error) {
      const ipc = toIpcError(error);
      if (ipc.code === "internal") options.onInternalError?.(channel, error);
      return { ok: false, error: ipc };
    }
    const checked = spec.result.safeParse(result);
    if (!checked.success) {
      options.onInternalError?.(channel, checked.error);
      return {
        ok: false,
        error: { code: "internal", message: `docsync answered ${channel} with something unexpected.` },
      };
    }
    return { ok: true, result: checked.data };
  };
}

/** The dispatcher over the contract's channel table. */
export function createDispatcher(handlers: Handlers, options: DispatchOptions = {}): Dispatch {
  return createTableDispatcher(channels, handlers as TableHandlers<typeof channels>, options);
}

/** True for the names of the contract's channels. */
export function isChannelName(name: unknown): name is Channel {
  return typeof name === "string" && Object.hasOwn(channels, name);
}
