/**
 * What `createCore` returns: the handler table every shell serves, and the numbered event feed.
 * The shells (desktop, web, command line) depend on this and on `shared/contract.ts`, nothing deeper.
 */
import type { CoreEvent, Handlers } from "../../shared/contract.ts";
import type { TaskView } from "../../shared/model.ts";

export type { CoreEvent } from "../../shared/contract.ts";

export interface Core {
  readonly handlers: Handlers;
  /** Every event after subscription, in sequence order. Returns the unsubscribe function. */
  subscribe(listener: (event: CoreEvent) => void): () => void;
  /** Resolves once every one of these tasks is final (or cleared away), keeping the process alive meanwhile. */
  whenFinal(taskIds: string[]): Promise<TaskView[]>;
  /** Stops watchers, pollers and queues; in-flight work stays resumable from the journal. */
  close(): Promise<void>;
}
