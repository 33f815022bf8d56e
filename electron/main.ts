/**
 * The desktop shell: one window on the app:// origin (sandboxed, context-isolated, no Node, strict
 * CSP, no navigation or new windows), every IPC message checked for its sender and validated by the
 * dispatcher, secrets in the OS keychain, the window's place remembered, and a tray icon with the
 * sync state. Bundled by scripts/build-desktop.ts into dist/electron/.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  safeStorage,
  screen,
  session,
  shell,
  type IpcMainInvokeEvent,
  type OpenDialogOptions,
} from "electron";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { channels, type ShellHandlers } from "../shared/contract.ts";
import type { PairView } from "../shared/model.ts";
import { registerAppScheme, serveRenderer } from "./desktop/app-protocol.ts";
import { CALL, CHANNELS_ARG, EVENT } from "./desktop/preload-api.ts";
import { createSafeStorageBox } from "./desktop/safe-storage-box.ts";
import { showInFolder } from "./desktop/show-in-folder.ts";
import { summarizeSync } from "./desktop/sync-summary.ts";
import { createSyncTray, type SyncTray } from "./desktop/tray.ts";
import { APP_URL, isAppUrl } from "./desktop/trust.ts";
import { loadWindowState, placeOnScreen, saveWindowState, windowStateFile } from "./desktop/window-state.ts";
import { bootCore, type BootedCore } from "./shell/boot.ts";
import { createDispatcher } from "./shell/dispatch.ts";
import { keepFilesPrivate, resolveHome } from "./shell/home.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const rendererDir = join(here, "..", "renderer");
const preloadPath = join(here, "preload.cjs");

let window: BrowserWindow | undefined;
let booted: BootedCore | undefined;
let tray: SyncTray | undefined;
let quitting = false;

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** Only the app's own top frame in its own window may call the core. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return (
    window !== undefined &&
    event.sender === window.webContents &&
    frame !== null &&
    frame === window.webContents.mainFrame &&
    isAppUrl(frame.url)
  );
}

function showWindow(): void {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function createWindow(home: string): BrowserWindow {
  const stateFile = windowStateFile(home);
  const saved = placeOnScreen(
    loadWindowState(stateFile),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    width: saved.width,
    height: saved.height,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: "docsync",
    backgroundColor: "#f6f7f9",
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      additionalArguments: [CHANNELS_ARG + Object.keys(channels).join(",")],
    },
  });
  if (saved.maximized) win.maximize();
  win.once("ready-to-show", () => win.show());

  const remember = () => {
    if (win.isDestroyed()) return;
    const bounds = win.getNormalBounds();
    saveWindowState(stateFile, { ...bounds, maximized: win.isMaximized() });
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rememberSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(remember, 500);
  };
  win.on("resize", rememberSoon);
  win.on("move", rememberSoon);
  win.on("close", (event) => {
    remember();
    // Closing the window keeps the folders syncing; the tray brings it back or quits.
    if (!quitting && tray) {
      event.preventDefault();
      win.hide();
    }
  });

  win.webContents.on("will-navigate", (event) => event.preventDefault());
  win.webContents.on("will-redirect", (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: "deny" }));
  void win.loadURL(APP_URL);
  return win;
}

async function pickFolder(title: string | undefined): Promise<{ path: string | null }> {
  const options: OpenDialogOptions = {
    title: title ?? "Choose a folder",
    properties: ["openDirectory", "createDirectory"],
  };
  const answer = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return { path: answer.canceled ? null : (answer.filePaths[0] ?? null) };
}

async function start(): Promise<void> {
  serveRenderer(rendererDir);
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, allow) => allow(false));

  booted = await bootCore({
    home,
    shell: "desktop",
    secrets: createSafeStorageBox(join(home, "secret.key"), safeStorage),
    version: app.getVersion(),
  });
  const core = booted.core;
  const shellHandlers: ShellHandlers = {
    "dialog.pickFolder": ({ title }) => pickFolder(title),
    "shell.showInFolder": ({ path }) => showInFolder(path, shell),
  };
  const dispatch = createDispatcher(
    { ...core.handlers, ...shellHandlers },
    {
      onInternalError: (channel, error) => console.error(`docsync: ${channel} failed:`, error),
    },
  );
  ipcMain.handle(CALL, async (event, channel: unknown, input: unknown) => {
    if (!trustedSender(event)) {
      return {
        ok: false,
        error: { code: "invalid-input", message: "Refused: the sender is not docsync's window." },
      };
    }
    return dispatch(channel, input);
  });

  tray = createSyncTray({
    open: showWindow,
    quit: () => {
      quitting = true;
      app.quit();
    },
  });
  const showPairs = (pairs: PairView[]) => tray?.show(summarizeSync(pairs));
  core.subscribe((event) => {
    if (window && !window.isDestroyed()) window.webContents.send(EVENT, event);
    if (event.name === "pairs.changed") showPairs(event.payload.pairs);
  });
  showPairs(await core.handlers["pairs.list"]({}));

  window = createWindow(home);
}

keepFilesPrivate();
const home = resolveHome(flag("--home"));
mkdirSync(home, { recursive: true, mode: 0o700 });
// One app per home: Chromium's profile and the single-instance lock live in it, so another home (a
// second profile, each end-to-end test) runs beside this one, and one home never opens twice.
app.setPath("userData", join(home, "electron"));

registerAppScheme();
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on("second-instance", showWindow);
  app.on("web-contents-created", (_event, contents) => {
    contents.on("will-attach-webview", (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: "deny" }));
  });
  app.on("before-quit", () => {
    quitting = true;
  });
  app.on("activate", showWindow);
  app.on("window-all-closed", () => {
    if (!tray) app.quit();
  });
  let closed = false;
  app.on("will-quit", (event) => {
    if (closed || !booted) return;
    // The core finishes writing its journal before the process goes.
    event.preventDefault();
    closed = true;
    tray?.destroy();
    void booted.close().finally(() => app.exit(0));
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox("docsync could not start", error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}
