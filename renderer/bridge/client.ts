/** The typed client every store uses: a call resolves with the result or throws CallFailed. */
import type { Channel, ChannelInput, ChannelResult, IpcError } from "../../shared/contract.ts";
import type { Phrase } from "../../shared/i18n/phrase.ts";
import { i18n, said } from "../i18n.ts";
import type { ShellBridge } from "./types.ts";

export class CallFailed extends Error {
  readonly code: IpcError["code"];
  readonly details: unknown;
  /** The message's phrase, so it shows in the user's language. */
  readonly phrase: Phrase | undefined;
  constructor(error: IpcError) {
    super(error.message);
    this.name = "CallFailed";
    this.code = error.code;
    this.details = error.details;
    this.phrase = error.phrase;
  }
}

let current: ShellBridge | undefined;

export function installBridge(bridge: ShellBridge): void {
  current = bridge;
}

export function bridge(): ShellBridge {
  if (!current) throw new Error(i18n.t("bridge.notInstalled"));
  return current;
}

export async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelResult<C>> {
  const answer = await bridge().call(channel, input);
  if (!answer.ok) throw new CallFailed(answer.error);
  return answer.result;
}

/** Words for any failure, for the UI, in the user's language where the core gave a phrase. */
export function describeError(error: unknown): string {
  if (error instanceof CallFailed) return said(error.message, error.phrase);
  if (error instanceof Error) return error.message;
  return String(error);
}
