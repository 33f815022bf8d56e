/**
 * One numbered sequence across every event name, so a UI that sees a gap knows it missed something
 * and fetches a fresh snapshot.
 */
import type { EventName, EventPayload } from "../../../shared/contract.ts";
import type { CoreEvent } from "../api.ts";

type WithoutSeq<E extends EventName> = Omit<EventPayload<E>, "seq">;

export interface EventBus {
  emit<E extends EventName>(name: E, payload: WithoutSeq<E>): void;
  subscribe(listener: (event: CoreEvent) => void): () => void;
  /** The number of the last event sent (0 before any). */
  readonly seq: number;
}

export function createEventBus(onListenerError: (error: unknown) => void = () => {}): EventBus {
  const listeners = new Set<(event: CoreEvent) => void>();
  let seq = 0;
  return {
    emit(name, payload) {
      seq += 1;
      const event = { name, payload: { ...payload, seq } } as unknown as CoreEvent;
      for (const listener of [...listeners]) {
        // A broken subscriber must not stop the others or the core.
        try {
          listener(event);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get seq() {
      return seq;
    },
  };
}
