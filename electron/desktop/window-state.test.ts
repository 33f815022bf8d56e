import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { tempDir } from "../../testing/harness.ts";
import { defaultWindowState, openWindowState, placeOnScreen } from "./window-state.ts";

// electron-store reads the app's folders from Electron; with an absolute home it needs nothing else.
vi.mock("electron", () => ({ default: {} }));

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir("docsync-window-");
});
afterEach(() => dir.remove());

test("the window's place survives a restart in the home, readable only by the user", () => {
  expect(openWindowState(dir.path).load()).toEqual(defaultWindowState);
  openWindowState(dir.path).save({ x: 40, y: 50, width: 1000, height: 700, maximized: true });
  expect(openWindowState(dir.path).load()).toEqual({
    x: 40,
    y: 50,
    width: 1000,
    height: 700,
    maximized: true,
  });
  const file = join(dir.path, "window-state.json");
  expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ x: 40, width: 1000 });
  expect(statSync(file).mode & 0o777).toBe(0o600);
  openWindowState(dir.path).save({ width: 900, height: 600, maximized: false });
  expect(openWindowState(dir.path).load()).toEqual({ width: 900, height: 600, maximized: false });
});

test("a damaged or out-of-range file falls back to the default, and a bad size is not saved", () => {
  const file = join(dir.path, "window-state.json");
  writeFileSync(file, "{ not json");
  expect(openWindowState(dir.path).load()).toEqual(defaultWindowState);
  writeFileSync(file, JSON.stringify({ width: 5, height: 5 }));
  expect(openWindowState(dir.path).load()).toEqual(defaultWindowState);
  const state = openWindowState(dir.path);
  state.save({ width: 100_000, height: 700, maximized: false });
  expect(state.load()).toEqual(defaultWindowState);
});

test("a place on a screen that is gone keeps only the size", () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  const state = { x: 3000, y: 100, width: 1000, height: 700, maximized: false };
  expect(placeOnScreen(state, screens)).toEqual({ width: 1000, height: 700, maximized: false });
  expect(placeOnScreen({ ...state, x: 200 }, screens)).toEqual({ ...state, x: 200 });
});
