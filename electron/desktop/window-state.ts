/** The window's size, place and maximised state, remembered in the home folder between runs. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(480).max(20_000),
  height: z.number().int().min(360).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

export const defaultWindowState: WindowState = { width: 1280, height: 800, maximized: false };

export function windowStateFile(home: string): string {
  return join(home, "window-state.json");
}

export function loadWindowState(file: string): WindowState {
  try {
    const parsed = WindowState.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : defaultWindowState;
  } catch {
    return defaultWindowState;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
  } catch {
    // Losing the window's place is not worth bothering anyone about.
  }
}

type Rect = { x: number; y: number; width: number; height: number };

/** The saved place when some of it is on a screen now; otherwise only the size (the OS centres it). */
export function placeOnScreen(state: WindowState, screens: readonly Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const visible = screens.some(
    (s) => x + 100 > s.x && x < s.x + s.width - 100 && y >= s.y - 10 && y < s.y + s.height - 100,
  );
  if (visible) return state;
  const { x: _x, y: _y, ...rest } = state;
  return rest;
}
