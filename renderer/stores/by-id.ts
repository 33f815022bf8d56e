/** `list` with `item` in place of the one with its id, or added at the end. */
export function upsertById<T extends { id: string }>(list: T[], item: T): T[] {
  const at = list.findIndex((known) => known.id === item.id);
  if (at < 0) return [...list, item];
  const next = list.slice();
  next[at] = item;
  return next;
}
