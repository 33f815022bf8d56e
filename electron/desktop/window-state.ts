/**
 * The window's size, place and maximised state, remembered between runs in `HOME/window-state.json`
 * through electron-store. A damaged or out-of-range file is replaced by the default: losing the
 * window's place is not worth bothering anyone about.
 */
import ElectronStore from "electron-store";
import type { Schema } from "conf";

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const defaultWindowState: WindowState = { width: 1280, height: 800, maximized: false };

const schema: Schema<WindowState> = {
  x: { type: "integer" },
  y: { type: "integer" },
  width: { type: "integer", minimum: 480, maximum: 20_000 },
  height: { type: "integer", minimum: 360, maximum: 20_000 },
  maximized: { type: "boolean" },
};

export interface WindowStateStore {
  load(): WindowState;
  save(state: WindowState): void;
}

export function openWindowState(home: string): WindowStateStore {
  let store: ElectronStore<WindowState> | undefined;
  try {
    store = new ElectronStore<WindowState>({
      cwd: home,
      name: "window-state",
      schema,
      defaults: defaultWindowState,
      clearInvalidConfig: true,
      configFileMode: 0o600,
    });
  } catch {
    // Unreadable (not only damaged): the window opens at the default place and nothing is saved.
  }
  return {
    load() {
      try {
        const { x, y, width, height, maximized } = store?.store ?? defaultWindowState;
        return { ...(x !== undefined && y !== undefined ? { x, y } : {}), width, height, maximized };
      } catch {
        return defaultWindowState;
      }
    },
    save({ x, y, width, height, maximized }) {
      try {
        if (store)
          store.store = { width, height, maximized, ...(x !== undefined && y !== undefined ? { x, y } : {}) };
      } catch {
        // A place that cannot be saved (a read-only home, a size out of range) is forgotten.
      }
    },
  };
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
