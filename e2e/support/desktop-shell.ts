/**
 * The desktop app under test: the real Electron app (the bundle in dist/electron) started by Playwright
 * on a home. Its system dialogs and the file manager are answered by the test, never shown.
 */
import { _electron, type ElectronApplication, type Page } from "playwright";
import { desktopDir } from "../../scripts/build-desktop.ts";
import { electronBinary } from "../../scripts/start.ts";

/** Why the desktop app cannot run on this machine, in one line; undefined when it can. */
export function desktopUnavailable(): string | undefined {
  if (!electronBinary())
    return "Electron's binary is not installed (allowScripts keeps npm from downloading it; `node node_modules/electron/install.js` installs it where its download host is reachable)";
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return "there is no display for the desktop window (run under xvfb-run)";
  return undefined;
}

export interface DesktopShell {
  page: Page;
  electron: ElectronApplication;
  /** The next folder dialog answers `path`, as if the user had chosen it. */
  answerFolderDialog(path: string): Promise<void>;
  /** The paths the app asked the file manager to show, in order. */
  shownInFileManager(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function launchDesktopShell(home: string, log: (text: string) => void): Promise<DesktopShell> {
  const executablePath = electronBinary();
  if (!executablePath) throw new Error(desktopUnavailable());
  const electron = await _electron.launch({
    executablePath,
    // Chromium refuses to run as root with its sandbox (containers, CI).
    args: [...(process.getuid?.() === 0 ? ["--no-sandbox"] : []), desktopDir, "--home", home],
  });
  const output = electron.process();
  output.stdout?.setEncoding("utf8").on("data", log);
  output.stderr?.setEncoding("utf8").on("data", log);
  try {
    await electron.evaluate(({ shell }) => {
      const shown: string[] = [];
      Object.assign(globalThis, { docsyncShownInFileManager: shown });
      shell.showItemInFolder = (path) => void shown.push(path);
      shell.openPath = async (path) => {
        shown.push(path);
        return "";
      };
    });
    const page = await electron.firstWindow();
    return {
      page,
      electron,
      async answerFolderDialog(path) {
        await electron.evaluate(({ dialog }, chosen) => {
          const ask = dialog.showOpenDialog;
          dialog.showOpenDialog = (async () => {
            dialog.showOpenDialog = ask;
            return { canceled: false, filePaths: [chosen] };
          }) as typeof dialog.showOpenDialog;
        }, path);
      },
      shownInFileManager: () =>
        electron.evaluate(
          () => (globalThis as unknown as { docsyncShownInFileManager: string[] }).docsyncShownInFileManager,
        ),
      stop: () => electron.close(),
    };
  } catch (error) {
    await electron.close();
    throw error;
  }
}
