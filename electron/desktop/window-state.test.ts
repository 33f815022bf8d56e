import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { defaultWindowState, loadWindowState, placeOnScreen, saveWindowState } from "./window-state.ts";

test("the window's place survives a restart; a damaged file falls back to the default", async () => {
  const dir = await mkdtemp(join(tmpdir(), "docsync-window-"));
  try {
    const file = join(dir, "window-state.json");
    expect(loadWindowState(file)).toEqual(defaultWindowState);
    saveWindowState(file, { x: 40, y: 50, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(file)).toEqual({ x: 40, y: 50, width: 1000, height: 700, maximized: true });
    await writeFile(file, "{ not json");
    expect(loadWindowState(file)).toEqual(defaultWindowState);
    await writeFile(file, JSON.stringify({ width: 5, height: 5 }));
    expect(loadWindowState(file)).toEqual(defaultWindowState);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a place on a screen that is gone keeps only the size", () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  const state = { x: 3000, y: 100, width: 1000, height: 700, maximized: false };
  expect(placeOnScreen(state, screens)).toEqual({ width: 1000, height: 700, maximized: false });
  expect(placeOnScreen({ ...state, x: 200 }, screens)).toEqual({ ...state, x: 200 });
});
