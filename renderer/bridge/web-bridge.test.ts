import { expect, test, vi } from "vitest";
import { createWebBridge, takeToken } from "./web-bridge.ts";

function tab(href: string) {
  const stored = new Map<string, string>();
  const shown: string[] = [];
  return {
    location: { href },
    history: {
      state: null,
      replaceState: (_state: unknown, _unused: string, url?: string | URL | null) =>
        void shown.push(String(url)),
    },
    storage: {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => void stored.set(key, value),
    },
    shown,
  };
}

test("the printed address's token is kept for the tab and the address bar shows the page's own address", () => {
  const page = tab("http://127.0.0.1:4100/?token=secret-token#files");
  expect(takeToken(page.location, page.history, page.storage, "/p/KEY/")).toBe("secret-token");
  expect(page.shown).toEqual(["/p/KEY/#files"]);

  // A reload opens /p/KEY/ without a token: the tab still has it.
  page.location.href = "http://127.0.0.1:4100/p/KEY/#files";
  expect(takeToken(page.location, page.history, page.storage, "/p/KEY/")).toBe("secret-token");
  expect(page.shown).toHaveLength(1);
});

test("the page hears each time its event link opens, the first time too, so events sent before it opened are fetched again", async () => {
  const sockets: { onopen?: () => void; onclose?: () => void }[] = [];
  vi.stubGlobal(
    "WebSocket",
    class {
      onopen?: () => void;
      onclose?: () => void;
      constructor() {
        sockets.push(this);
      }
    },
  );
  vi.useFakeTimers();
  try {
    const bridge = createWebBridge({ origin: "http://127.0.0.1:1", token: "t" });
    let opened = 0;
    bridge.onLinkOpen(() => (opened += 1));
    sockets[0]!.onopen?.();
    expect(opened).toBe(1);
    sockets[0]!.onclose?.();
    await vi.advanceTimersByTimeAsync(250);
    sockets[1]!.onopen?.();
    expect(opened).toBe(2);
  } finally {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  }
});
