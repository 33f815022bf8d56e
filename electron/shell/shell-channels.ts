/**
 * Channels only a shell can answer (they need the operating system's dialogs), kept in the same shape
 * as the contract's table so the dispatcher and the preload treat them alike.
 */
import { z } from "zod";

export const shellChannels = {
  /** The desktop shell's folder picker; `path` is null when the user cancels. */
  "dialog.pickFolder": {
    input: z.object({ title: z.string().max(200).optional() }),
    result: z.object({ path: z.string().nullable() }),
  },
  /** Shows a saved file (or a folder) in the system's file manager; nothing is opened or run. */
  "shell.showInFolder": {
    input: z.object({ path: z.string().min(1).max(4096) }),
    result: z.object({ ok: z.literal(true) }),
  },
} as const;

export type ShellChannel = keyof typeof shellChannels;
