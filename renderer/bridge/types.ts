/**
 * The renderer's view of a shell. The desktop preload and the web bridge both provide it, typed from
 * the contract's tables, so the UI never knows which shell it runs in except through `app.info`.
 */
import type { z } from "zod";
import type {
  Channel,
  ChannelInput,
  ChannelResult,
  EventName,
  EventPayload,
  IpcError,
} from "../../shared/contract.ts";
import type { shellChannels } from "../../electron/shell/shell-channels.ts";

type ShellTable = typeof shellChannels;
export type ShellChannel = keyof ShellTable;
export type AnyChannel = Channel | ShellChannel;
export type AnyInput<C extends AnyChannel> = C extends Channel
  ? ChannelInput<C>
  : C extends ShellChannel
    ? z.input<ShellTable[C]["input"]>
    : never;
export type AnyResult<C extends AnyChannel> = C extends Channel
  ? ChannelResult<C>
  : C extends ShellChannel
    ? z.output<ShellTable[C]["result"]>
    : never;

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: IpcError };

export type CoreEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** Where dropped files go. */
export interface DropTarget {
  accountId: string;
  folderId: string;
}

/** Dropped items captured while the drop event lasts (browsers forget them afterwards). */
export interface CapturedDrop {
  /** How many top-level items were dropped. */
  readonly count: number;
  /** Hands the items to the core; resolves with the upload task ids. */
  upload(target: DropTarget): Promise<string[]>;
}

export interface ShellBridge {
  readonly kind: "desktop" | "web";
  call<C extends AnyChannel>(channel: C, input: AnyInput<C>): Promise<Envelope<AnyResult<C>>>;
  /** Every core event, in order. Returns the unsubscribe function. */
  onEvent(listener: (event: CoreEvent) => void): () => void;
  /** Told when the link to the core comes back after a break (the UI then fetches a fresh snapshot). */
  onReconnect(listener: () => void): () => void;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  captureDrop(data: DataTransfer): CapturedDrop;
}

/** What the desktop preload puts on `window.docsync`: one function per channel, and events. */
export interface DesktopApi {
  channels: { [C in AnyChannel]: (input: AnyInput<C>) => Promise<Envelope<AnyResult<C>>> };
  onEvent(listener: (event: CoreEvent) => void): () => void;
  /** The file-system path of a dropped file or folder ("" when it has none). */
  pathForFile(file: File): string;
}
