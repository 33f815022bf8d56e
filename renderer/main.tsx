import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { installBridge } from "./bridge/client.ts";
import { createDesktopBridge } from "./bridge/desktop-bridge.ts";
import type { DesktopApi } from "./bridge/types.ts";
import { createWebBridge, takeToken } from "./bridge/web-bridge.ts";
import { connectLive } from "./live/connect.ts";

declare global {
  interface Window {
    /** Set by the desktop shell's preload. */
    docsync?: DesktopApi;
  }
}

/** The page's own address: its script lives in assets/ below it (/p/KEY/assets/… in the web shell). */
const scriptUrl = import.meta.url;
const bridge = window.docsync
  ? createDesktopBridge(window.docsync)
  : createWebBridge({
      origin: window.location.origin,
      token: takeToken(
        window.location,
        window.history,
        window.sessionStorage,
        new URL("../", scriptUrl).pathname,
      ),
    });
installBridge(bridge);
connectLive(bridge);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
