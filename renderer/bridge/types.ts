/**
 * The renderer's view of a shell. The desktop preload and the web bridge both provide it, typed from
 * the contract's tables, so the UI never knows which shell it runs in except through `app.info`.
 */
import type { Channel, ChannelInput, ChannelResult, CoreEvent, Envelope } from "../../shared/contract.ts";

export type { CoreEvent } from "../../shared/contract.ts";

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
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Envelope<ChannelResult<C>>>;
  /** Every core event, in order. Returns the unsubscribe function. */
  onEvent(listener: (event: CoreEvent) => void): () => void;
  /**
   * Told each time the link to the core opens, the first time included: events sent before it opened
   * never reach the page, so the UI fetches a fresh snapshot then.
   */
  onLinkOpen(listener: () => void): () => void;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  captureDrop(data: DataTransfer): CapturedDrop;
}

/** What the desktop preload puts on `window.docsync`: one function per channel, and events. */
export interface DesktopApi {
  channels: { [C in Channel]: (input: ChannelInput<C>) => Promise<Envelope<ChannelResult<C>>> };
  onEvent(listener: (event: CoreEvent) => void): () => void;
  /** The file-system path of a dropped file or folder ("" when it has none). */
  pathForFile(file: File): string;
}
