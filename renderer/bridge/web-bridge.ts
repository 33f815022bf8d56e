/**
 * The web shell's bridge: channel calls over HTTP POST, events over one WebSocket that reconnects by
 * itself, and dropped files streamed to the shell's staging area before they are uploaded. The token
 * goes in a header and in the socket's protocols, never in a cookie or an address the page makes.
 */
import type { Envelope, IpcError } from "../../shared/contract.ts";
import { EVENTS_PROTOCOL, TOKEN_HEADER, TOKEN_PROTOCOL_PREFIX } from "../../shared/web-access.ts";
import { i18n } from "../i18n.ts";
import { CallFailed, describeError } from "./client.ts";
import { captureDroppedItems } from "./dropped-files.ts";
import type { CapturedDrop, CoreEvent, ShellBridge } from "./types.ts";

function unreachable(reason: unknown): { ok: false; error: IpcError } {
  const why = reason instanceof Error ? reason.message : String(reason);
  return { ok: false, error: { code: "transient", message: i18n.t("bridge.unreachable", { why }) } };
}

async function readEnvelope<T>(response: Response): Promise<Envelope<T>> {
  try {
    const body = (await response.json()) as Envelope<T>;
    if (body && typeof body === "object" && "ok" in body) return body;
  } catch {
    // Not JSON: described below.
  }
  const code = response.status === 403 ? "credentials" : "internal";
  const message =
    response.status === 403
      ? i18n.t("bridge.forbidden")
      : i18n.t("bridge.httpStatus", { status: response.status });
  return { ok: false, error: { code, message } };
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The token from the printed address, kept for this tab; the address bar then shows the page's own
 * address (`pagePath`, /p/KEY/), which a reload can open without the token.
 */
export function takeToken(
  location: Pick<Location, "href">,
  history: Pick<History, "state" | "replaceState">,
  storage: Pick<Storage, "getItem" | "setItem">,
  pagePath: string,
): string {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    storage.setItem("docsync-token", fromUrl);
    url.searchParams.delete("token");
    history.replaceState(history.state, "", pagePath + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem("docsync-token") ?? "";
}

export function createWebBridge(options: { origin: string; token: string }): ShellBridge {
  const { origin, token } = options;
  const eventListeners = new Set<(event: CoreEvent) => void>();
  const openListeners = new Set<() => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let connected = false;
  let retryMs = 250;

  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  const connect = () => {
    const socket = new WebSocket(`${origin.replace(/^http/, "ws")}/events`, [
      EVENTS_PROTOCOL,
      TOKEN_PROTOCOL_PREFIX + token,
    ]);
    socket.onopen = () => {
      retryMs = 250;
      setConnected(true);
      for (const listener of openListeners) listener();
    };
    socket.onmessage = (message) => {
      let event: CoreEvent;
      try {
        event = JSON.parse(String(message.data)) as CoreEvent;
      } catch {
        return;
      }
      for (const listener of eventListeners) listener(event);
    };
    socket.onclose = () => {
      setConnected(false);
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  connect();

  const post = async <T>(path: string, body: unknown): Promise<Envelope<T>> => {
    try {
      const response = await fetch(`${origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", [TOKEN_HEADER]: token },
        body: JSON.stringify(body ?? {}),
      });
      return await readEnvelope<T>(response);
    } catch (error) {
      return unreachable(error);
    }
  };

  const captureDrop = (data: DataTransfer): CapturedDrop => {
    const items = captureDroppedItems(data);
    return {
      count: items.length,
      async upload(target) {
        const dropId = randomId();
        const taskIds: string[] = [];
        const failures: string[] = [];
        // Each top-level item is handed over as soon as its bytes are staged, so its task starts early.
        for (const item of items) {
          const files = await item.files();
          let staged = true;
          for (const { path, file } of files) {
            try {
              const response = await fetch(`${origin}/drops/${dropId}?path=${encodeURIComponent(path)}`, {
                method: "PUT",
                headers: { "content-type": "application/octet-stream", [TOKEN_HEADER]: token },
                body: file,
              });
              const answer = await readEnvelope<{ size: number }>(response);
              if (!answer.ok) throw new CallFailed(answer.error);
            } catch (error) {
              failures.push(`${path}: ${describeError(error)}`);
              staged = false;
              break;
            }
          }
          if (!staged) continue;
          const answer = await post<{ taskIds: string[] }>(`/drops/${dropId}/commit`, {
            ...target,
            names: [item.name],
          });
          if (answer.ok) taskIds.push(...answer.result.taskIds);
          else failures.push(`${item.name}: ${describeError(new CallFailed(answer.error))}`);
        }
        if (failures.length > 0 && taskIds.length === 0) throw new Error(failures.join("\n"));
        return taskIds;
      },
    };
  };

  return {
    kind: "web",
    call: (channel, input) => post(`/api/${channel}`, input),
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onLinkOpen(listener) {
      openListeners.add(listener);
      return () => openListeners.delete(listener);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      listener(connected);
      return () => connectionListeners.delete(listener);
    },
    captureDrop,
  };
}
