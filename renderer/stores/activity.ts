import { create } from "zustand";
import type { ActivityEntry } from "../../shared/model.ts";

const KEEP = 1000;

interface ActivityState {
  /** Newest first. */
  entries: ActivityEntry[];
  setAll(entries: ActivityEntry[]): void;
  append(entries: ActivityEntry[]): void;
}

const newestFirst = (entries: ActivityEntry[]) =>
  entries.slice().sort((a, b) => b.seq - a.seq || b.time - a.time);

export const useActivity = create<ActivityState>()((set) => ({
  entries: [],
  setAll: (entries) => set({ entries: newestFirst(entries).slice(0, KEEP) }),
  append: (entries) =>
    set((state) => {
      const known = new Set(state.entries.map((e) => e.seq));
      const fresh = entries.filter((e) => !known.has(e.seq));
      return fresh.length === 0
        ? state
        : { entries: newestFirst([...fresh, ...state.entries]).slice(0, KEEP) };
    }),
}));
