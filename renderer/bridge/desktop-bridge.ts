/** The desktop shell's bridge over the preload's `window.docsync`; dropped files are read by the core. */
import type { Channel, ChannelInput, ChannelResult, Envelope } from "../../shared/contract.ts";
import { i18n } from "../i18n.ts";
import { CallFailed } from "./client.ts";
import type { DesktopApi, ShellBridge } from "./types.ts";

export function createDesktopBridge(api: DesktopApi): ShellBridge {
  return {
    kind: "desktop",
    call<C extends Channel>(channel: C, input: ChannelInput<C>) {
      const fn = api.channels[channel] as (input: ChannelInput<C>) => Promise<Envelope<ChannelResult<C>>>;
      return fn(input);
    },
    onEvent: (listener) => api.onEvent(listener),
    // The IPC link cannot break while the window lives.
    onLinkOpen: () => () => {},
    onConnectionChange(listener) {
      listener(true);
      return () => {};
    },
    captureDrop(data) {
      const paths = Array.from(data.files)
        .map((file) => api.pathForFile(file))
        .filter((path) => path !== "");
      return {
        count: paths.length,
        async upload(target) {
          if (paths.length === 0) throw new Error(i18n.t("bridge.notOnThisComputer"));
          const answer = await api.channels["uploads.fromPaths"]({ ...target, paths });
          if (!answer.ok) throw new CallFailed(answer.error);
          return answer.result.taskIds;
        },
      };
    },
  };
}
