/**
 * What the preload exposes, built from plain functions so it can be tested without Electron: one
 * function per channel (names from the channel table), an event subscription that returns its
 * unsubscribe, and the path of a dropped file. Nothing here hands out ipcRenderer itself.
 */
export const CALL = "docsync:call";
export const EVENT = "docsync:event";
export const CHANNELS_ARG = "--docsync-channels=";

export interface PreloadWiring {
  invoke(channel: string, input: unknown): Promise<unknown>;
  on(listener: (event: unknown) => void): () => void;
  pathForFile(file: File): string;
}

export interface ExposedApi {
  channels: Record<string, (input: unknown) => Promise<unknown>>;
  onEvent(listener: (event: unknown) => void): () => void;
  pathForFile(file: File): string;
}

/** The channel names main passed on the command line of the renderer process. */
export function channelNamesFrom(argv: readonly string[]): string[] {
  const arg = argv.find((a) => a.startsWith(CHANNELS_ARG));
  if (!arg) return [];
  return arg
    .slice(CHANNELS_ARG.length)
    .split(",")
    .filter((name) => /^[a-z]+\.[A-Za-z]+$/.test(name));
}

export function buildExposedApi(names: readonly string[], wiring: PreloadWiring): ExposedApi {
  const channels: Record<string, (input: unknown) => Promise<unknown>> = Object.create(null);
  for (const name of names) channels[name] = (input) => wiring.invoke(name, input);
  return {
    channels: Object.freeze(channels),
    onEvent(listener) {
      if (typeof listener !== "function") throw new TypeError("onEvent needs a function");
      return wiring.on(listener);
    },
    pathForFile: (file) => wiring.pathForFile(file),
  };
}
