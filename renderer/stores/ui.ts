import { create } from "zustand";
import type { ChannelResult } from "../../shared/contract.ts";

export type View = "files" | "pairs" | "activity" | "accounts" | "settings";

/** The document "Run script…" was opened on. */
export interface ScriptTarget {
  accountId: string;
  fileId: string;
  fileName: string;
}

export interface Toast {
  id: number;
  /** "busy": work under way; it stays until its work ends and the toast is changed. */
  tone: "info" | "error" | "busy";
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
  /** Shows a toast; an info or error toast goes by itself after a while. Returns its id. */
  toast(tone: Toast["tone"], text: string): number;
  /** Changes a toast that is still shown (a busy one that now says how its work ended). */
  retoast(id: number, tone: Toast["tone"], text: string): void;
  dismiss(id: number): void;
  setMoveDialogOpen(open: boolean): void;
  openScript(target: ScriptTarget | null): void;
}

let nextToast = 1;
const TOAST_MS = { info: 4000, error: 9000 } as const;

export const useUi = create<UiState>()((set, get) => ({
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
    if (tone !== "busy") setTimeout(() => get().dismiss(id), TOAST_MS[tone]);
    return id;
  },
  retoast(id, tone, text) {
    if (!get().toasts.some((t) => t.id === id)) return;
    set((state) => ({ toasts: state.toasts.map((t) => (t.id === id ? { id, tone, text } : t)) }));
    if (tone !== "busy") setTimeout(() => get().dismiss(id), TOAST_MS[tone]);
  },
  dismiss: (id) => set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) })),
  setMoveDialogOpen: (moveDialogOpen) => set({ moveDialogOpen }),
  openScript: (scriptTarget) => set({ scriptTarget }),
}));
