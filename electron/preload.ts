/**
 * The desktop shell's preload (sandboxed, context-isolated): one function per channel, named from
 * the list main passes in, an event subscription that returns its unsubscribe, and the path of a
 * dropped file. ipcRenderer itself never reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from "electron";
import { buildExposedApi, CALL, channelNamesFrom, EVENT } from "./desktop/preload-api.ts";

const api = buildExposedApi(channelNamesFrom(process.argv), {
  invoke: (channel, input) => ipcRenderer.invoke(CALL, channel, input),
  on(listener) {
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(EVENT, handler);
    return () => {
      ipcRenderer.removeListener(EVENT, handler);
    };
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
});

contextBridge.exposeInMainWorld("docsync", api);
