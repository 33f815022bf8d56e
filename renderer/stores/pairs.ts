import { create } from "zustand";
import type { ChannelInput } from "../../shared/contract.ts";
import type { PairView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { fedList } from "./by-id.ts";

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

export const usePairs = create<PairsState>()((set, get) => {
  const fed = fedList<PairView>(
    () => get().pairs,
    (pairs) => set({ pairs }),
  );
  return {
    pairs: [],
    loaded: false,
    setAll: (pairs) => set({ pairs: fed.feed(pairs), loaded: true }),
    add: (input) => fed.settle(call("pairs.add", input), { created: true }),
    pause: async (pairId) => void (await fed.settle(call("pairs.pause", { pairId }))),
    resume: async (pairId) => void (await fed.settle(call("pairs.resume", { pairId }))),
    async remove(pairId) {
      await call("pairs.remove", { pairId });
      set((state) => ({ pairs: state.pairs.filter((p) => p.id !== pairId) }));
    },
    confirmDeletes: async (pairId, allow) =>
      void (await fed.settle(call("pairs.confirmDeletes", { pairId, allow }))),
    setScript: (pairId, rule) => fed.settle(call("pairs.setScript", { pairId, rule })),
  };
});
