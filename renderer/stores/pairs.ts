import { create } from "zustand";
import type { ChannelInput } from "../../shared/contract.ts";
import type { PairView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";

interface PairsState {
  pairs: PairView[];
  loaded: boolean;
  setAll(pairs: PairView[]): void;
  add(input: ChannelInput<"pairs.add">): Promise<PairView>;
  pause(pairId: string): Promise<void>;
  resume(pairId: string): Promise<void>;
  remove(pairId: string): Promise<void>;
  confirmDeletes(pairId: string, allow: boolean): Promise<void>;
}

function upsert(list: PairView[], pair: PairView): PairView[] {
  const at = list.findIndex((p) => p.id === pair.id);
  if (at < 0) return [...list, pair];
  const next = list.slice();
  next[at] = pair;
  return next;
}

export const usePairs = create<PairsState>()((set) => {
  const replace = (pair: PairView) => set((state) => ({ pairs: upsert(state.pairs, pair) }));
  return {
    pairs: [],
    loaded: false,
    setAll: (pairs) => set({ pairs, loaded: true }),
    async add(input) {
      const pair = await call("pairs.add", input);
      replace(pair);
      return pair;
    },
    pause: async (pairId) => replace(await call("pairs.pause", { pairId })),
    resume: async (pairId) => replace(await call("pairs.resume", { pairId })),
    async remove(pairId) {
      await call("pairs.remove", { pairId });
      set((state) => ({ pairs: state.pairs.filter((p) => p.id !== pairId) }));
    },
    confirmDeletes: async (pairId, allow) => replace(await call("pairs.confirmDeletes", { pairId, allow })),
  };
});
