/** The settings the core keeps for every shell: the language, notifications, the tour. */
import { create } from "zustand";
import type { ChannelInput } from "../../shared/contract.ts";
import type { Preferences } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";

interface SettingsState {
  /** Null until the first snapshot arrives. */
  preferences: Preferences | null;
  setAll(preferences: Preferences): void;
  change(changes: ChannelInput<"settings.set">): Promise<void>;
}

export const useSettings = create<SettingsState>()((set) => ({
  preferences: null,
  setAll: (preferences) => set({ preferences }),
  change: async (changes) => set({ preferences: await call("settings.set", changes) }),
}));
