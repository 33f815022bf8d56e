import { create } from "zustand";
import type { ChannelResult } from "../../shared/contract.ts";

export type View = "files" | "pairs" | "activity" | "accounts";

/** The document "Run script…" was opened on. */
export interface ScriptTarget {
  accountId: string;
  fileId: string;
  fileName: string;
}

export interface Toast {
  id: number;
  tone: "info" | "error";
  text: string;
}

interface UiState {
  view: View;
  info: ChannelResult<"app.info"> | null;
  connected: boolean;
  toasts: Toast[];
  moveDialogOpen: boolean;
  scriptTarget: ScriptTarget | null;
  show(view: View): void;
  setInfo(info: ChannelResult<"app.info">): void;
  setConnected(connected: boolean): void;
  toast(tone: Toast["tone"], text: string): void;
  dismiss(id: number): void;
  setMoveDialogOpen(open: boolean): void;
  openScript(target: ScriptTarget | null): void;
}

let nextToast = 1;

export const useUi = create<UiState>()((set) => ({
  view: "files",
  info: null,
  connected: false,
  toasts: [],
  moveDialogOpen: false,
  scriptTarget: null,
  show: (view) => set({ view }),
  setInfo: (info) => set({ info }),
  setConnected: (connected) => set({ connected }),
  toast(tone, text) {
    const id = nextToast++;
    set((state) => ({ toasts: [...state.toasts.slice(-3), { id, tone, text }] }));
    setTimeout(
      () => set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) })),
      tone === "error" ? 9000 : 4000,
    );
  },
  dismiss: (id) => set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) })),
  setMoveDialogOpen: (moveDialogOpen) => set({ moveDialogOpen }),
  openScript: (scriptTarget) => set({ scriptTarget }),
}));
