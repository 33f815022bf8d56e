/**
 * Keeps the stores in step with the core: a snapshot first, then the numbered events. Events that
 * arrive while a snapshot is being fetched are held and applied after it; a gap in the numbers, or a
 * link that came back, fetches a fresh snapshot.
 */
import type { CoreEvent, ShellBridge } from "../bridge/types.ts";

export interface Snapshot {
  seq: number;
  apply(): void;
}

export interface LiveSyncHooks {
  /** Fetches everything the UI shows (lists and tasks) and says which event number it reflects. */
  fetchSnapshot(): Promise<Snapshot>;
  applyEvent(event: CoreEvent): void;
  onError?(error: unknown): void;
}

export interface LiveSync {
  stop(): void;
  /** Snapshots fetched so far (the first one included). */
  readonly snapshots: number;
}

export function startLiveSync(
  bridge: Pick<ShellBridge, "onEvent" | "onLinkOpen">,
  hooks: LiveSyncHooks,
): LiveSync {
  let seq = -1;
  let held: CoreEvent[] | null = null;
  let snapshots = 0;
  let stopped = false;
  let again = false;
  let justSynced = false;

  const resync = async (): Promise<void> => {
    if (held !== null) {
      again = true;
      return;
    }
    held = [];
    try {
      const snapshot = await hooks.fetchSnapshot();
      if (stopped) return;
      snapshots += 1;
      snapshot.apply();
      seq = snapshot.seq;
      justSynced = true;
    } catch (error) {
      hooks.onError?.(error);
    } finally {
      const pending = held ?? [];
      held = null;
      for (const event of pending) receive(event);
      if (again && !stopped) {
        again = false;
        void resync();
      }
    }
  };

  const receive = (event: CoreEvent) => {
    if (held !== null) {
      held.push(event);
      return;
    }
    const number = event.payload.seq;
    if (number <= seq) return;
    // Right after a snapshot, a jump is the snapshot's own numbering, not a loss; fetching again would loop.
    if (seq >= 0 && number > seq + 1 && !justSynced) {
      void resync();
      // resync() has started holding events synchronously; this one is replayed after the snapshot.
      (held as CoreEvent[] | null)?.push(event);
      return;
    }
    justSynced = false;
    seq = number;
    hooks.applyEvent(event);
  };

  const offEvent = bridge.onEvent(receive);
  const offReconnect = bridge.onLinkOpen(() => void resync());
  void resync();
  return {
    stop() {
      stopped = true;
      offEvent();
      offReconnect();
    },
    get snapshots() {
      return snapshots;
    },
  };
}
