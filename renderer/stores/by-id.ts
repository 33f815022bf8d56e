/** `list` with `item` in place of the one with its id, or added at the end. */
export function upsertById<T extends { id: string }>(list: T[], item: T): T[] {
  const at = list.findIndex((known) => known.id === item.id);
  if (at < 0) return [...list, item];
  const next = list.slice();
  next[at] = item;
  return next;
}

/**
 * A list that both the live feed and call answers update. The core announces every change on the
 * feed, and an announcement can overtake the answer of the call that caused it (the engine batches
 * its announcements), so an answer that comes back after the feed moved is no newer than the feed:
 * it may then only add what the feed has not shown yet, never put back an older state.
 */
export interface FedList<T extends { id: string }> {
  /** Counts what the feed says now (an event or a snapshot) and answers it. */
  feed(list: T[]): T[];
  /** Awaits a call's item and puts it in the list unless the feed moved meanwhile (`created`: the call made it). */
  settle(pending: Promise<T>, options?: { created?: boolean }): Promise<T>;
}

export function fedList<T extends { id: string }>(current: () => T[], put: (list: T[]) => void): FedList<T> {
  let updates = 0;
  return {
    feed(list) {
      updates += 1;
      return list;
    },
    async settle(pending, { created = false } = {}) {
      const before = updates;
      const item = await pending;
      const list = current();
      const unseen = !list.some((known) => known.id === item.id);
      if (updates === before || (created && unseen)) put(upsertById(list, item));
      return item;
    },
  };
}
