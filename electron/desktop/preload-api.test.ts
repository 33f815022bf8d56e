import { describe, expect, test, vi } from "vitest";
import { channels } from "../../shared/contract.ts";
import { buildExposedApi, channelNamesFrom, CHANNELS_ARG } from "./preload-api.ts";
import { isAppUrl } from "./trust.ts";

describe("the preload's API", () => {
  const names = Object.keys(channels);
  const argv = ["electron", "--type=renderer", `${CHANNELS_ARG}${names.join(",")}`];

  test("has one function per channel of the table, each calling through with its own name", async () => {
    const invoke = vi.fn(async (channel: string, input: unknown) => ({
      ok: true,
      result: { channel, input },
    }));
    const api = buildExposedApi(channelNamesFrom(argv), {
      invoke,
      on: () => () => {},
      pathForFile: () => "",
    });
    expect(Object.keys(api.channels).sort()).toEqual(names.sort());
    expect(await api.channels["tree.list"]!({ accountId: "a", folderId: "0" })).toEqual({
      ok: true,
      result: { channel: "tree.list", input: { accountId: "a", folderId: "0" } },
    });
    expect(Object.isFrozen(api.channels)).toBe(true);
    expect("ipcRenderer" in api).toBe(false);
  });

  test("ignores names that are not channel names", () => {
    expect(channelNamesFrom(["x", `${CHANNELS_ARG}tree.list,__proto__,constructor,evil name`])).toEqual([
      "tree.list",
    ]);
    expect(channelNamesFrom(["x"])).toEqual([]);
  });

  test("event subscriptions return their unsubscribe", () => {
    const listeners = new Set<(event: unknown) => void>();
    const api = buildExposedApi([], {
      invoke: async () => undefined,
      on(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      pathForFile: () => "",
    });
    const seen: unknown[] = [];
    const off = api.onEvent((event) => seen.push(event));
    for (const listener of listeners) listener({ name: "tree.changed" });
    off();
    for (const listener of listeners) listener({ name: "late" });
    expect(seen).toEqual([{ name: "tree.changed" }]);
    expect(() => api.onEvent("nope" as never)).toThrow(TypeError);
  });
});

test("only app://docsync pages count as the app", () => {
  expect(isAppUrl("app://docsync/index.html")).toBe(true);
  expect(isAppUrl("app://evil/index.html")).toBe(false);
  expect(isAppUrl("https://docsync/index.html")).toBe(false);
  expect(isAppUrl("file:///index.html")).toBe(false);
  expect(isAppUrl(undefined)).toBe(false);
  expect(isAppUrl("not a url")).toBe(false);
});
