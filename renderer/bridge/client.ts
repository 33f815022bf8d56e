/** The typed client every store uses: a call resolves with the result or throws CallFailed. */
import type { Channel, ChannelInput, ChannelResult, IpcError } from "../../shared/contract.ts";
import type { ShellBridge } from "./types.ts";

export class CallFailed extends Error {
  readonly code: IpcError["code"];
  readonly details: unknown;
  constructor(error: IpcError) {
    super(error.message);
    this.name = "CallFailed";
    this.code = error.code;
    this.details = error.details;
  }
}

let current: ShellBridge | undefined;

export function installBridge(bridge: ShellBridge): void {
  current = bridge;
}

export function bridge(): ShellBridge {
  if (!current) throw new Error("The shell bridge is not installed.");
  return current;
}

export async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> {
  const answer = await bridge().call(channel, input);
  if (!answer.ok) throw new CallFailed(answer.error);
  return answer.result;
}

/** Words for any failure, for the UI. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
