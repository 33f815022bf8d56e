import { create } from "zustand";
import type { ChannelInput } from "../../shared/contract.ts";
import type { PairView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { upsertById } from "./by-id.ts";

interface PairsState {
  pairs: PairView[];
  loaded: boolean;
  setAll(pairs: PairView[]): void;
  add(input: ChannelInput<"pairs.add">): Promise<PairView>;
  pause(pairId: string): Promise<void>;
  resume(pairId: string): Promise<void>;
  remove(pairId: string): Promise<void>;
  confirmDeletes(pairId: string, allow: boolean): Promise<void>;
  /** Sets (or with null removes) the script the pair runs on each matching upload. */
  setScript(pairId: string, rule: ChannelInput<"pairs.setScript">["rule"]): Promise<PairView>;
}

export const usePairs = create<PairsState>()((set) => {
  const replace = (pair: PairView) => {
    set((state) => ({ pairs: upsertById(state.pairs, pair) }));
    return pair;
  };
  return {
    pairs: [],
    loaded: false,
    setAll: (pairs) => set({ pairs, loaded: true }),
    add: async (input) => replace(await call("pairs.add", input)),
    pause: async (pairId) => void replace(await call("pairs.pause", { pairId })),
    resume: async (pairId) => void replace(await call("pairs.resume", { pairId })),
    async remove(pairId) {
      await call("pairs.remove", { pairId });
      set((state) => ({ pairs: state.pairs.filter((p) => p.id !== pairId) }));
    },
    confirmDeletes: async (pairId, allow) =>
      void replace(await call("pairs.confirmDeletes", { pairId, allow })),
    setScript: async (pairId, rule) => replace(await call("pairs.setScript", { pairId, rule })),
  };
});
