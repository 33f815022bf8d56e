import { describe, expect, test, vi } from "vitest";
import type { Handlers } from "../../shared/contract.ts";
import { IpcFailure } from "../core/ipc-error.ts";
import { createDispatcher } from "./dispatch.ts";

const account = {
  id: "a1",
  name: "Work",
  kind: "kdocs" as const,
  baseUrl: "http://127.0.0.1:1",
  rootId: "0",
  sandbox: false,
  status: { state: "connected" as const },
  hasLargeFiles: false,
  hasAccessToken: false,
  capabilities: { zipDownload: false, scripts: true, largeFiles: false },
};

function handlersWith(overrides: Partial<Handlers>): Handlers {
  return new Proxy(overrides as Handlers, {
    get: (target, name: string) =>
      (target as Record<string, unknown>)[name] ??
      (() => Promise.reject(new Error(`unexpected call to ${name}`))),
  });
}

describe("dispatch", () => {
  test("calls the handler with the parsed input and returns its result", async () => {
    const list = vi.fn(async () => ({ entries: [], next: null }));
    const dispatch = createDispatcher(handlersWith({ "tree.list": list }));
    const answer = await dispatch("tree.list", { accountId: "a1", folderId: "0" });
    expect(answer).toEqual({ ok: true, result: { entries: [], next: null } });
    expect(list).toHaveBeenCalledWith({ accountId: "a1", folderId: "0" });
  });

  test("applies schema defaults, and a channel without arguments accepts none", async () => {
    const activity = vi.fn(async () => []);
    const accounts = vi.fn(async () => [account]);
    const dispatch = createDispatcher(handlersWith({ "activity.list": activity, "accounts.list": accounts }));
    expect(await dispatch("activity.list", {})).toEqual({ ok: true, result: [] });
    expect(activity).toHaveBeenCalledWith({ limit: 200 });
    expect(await dispatch("accounts.list", undefined)).toEqual({ ok: true, result: [account] });
  });

  test.each([
    ["an unknown channel", "files.delete", {}, /Unknown channel: files.delete/],
    ["a prototype key as channel", "__proto__", {}, /Unknown channel/],
    ["a channel that is not a string", 42, {}, /Unknown channel: number/],
    ["a missing field", "tree.list", { accountId: "a1" }, /folderId/],
    ["a wrong type", "moves.start", { accountId: "a1", entryIds: "x", targetFolderId: "f" }, /entryIds/],
    ["an empty list", "moves.start", { accountId: "a1", entryIds: [], targetFolderId: "f" }, /entryIds/],
    ["a string instead of an object", "tasks.cancel", "t1", /Invalid input for tasks.cancel/],
    [
      "a relative remote path",
      "pairs.add",
      { accountId: "a", localPath: "/x", remotePath: "docs" },
      /remotePath/,
    ],
    [
      "a bad URL",
      "accounts.add",
      { kind: "kdocs", name: "n", baseUrl: "nope", appId: "i", appKey: "k" },
      /baseUrl/,
    ],
  ])("rejects %s with invalid-input and calls nothing", async (_what, channel, input, message) => {
    const handlers = handlersWith({});
    const dispatch = createDispatcher(handlers);
    const answer = await dispatch(channel, input);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe("invalid-input");
    expect(answer.error.message).toMatch(message);
  });

  test("a handler failure becomes its IpcError; an unexpected one becomes internal and is reported", async () => {
    const reported = vi.fn();
    const dispatch = createDispatcher(
      handlersWith({
        "tasks.cancel": async () => {
          throw new IpcFailure("not-found", "No such task: t9");
        },
        "tasks.clearFinished": async () => {
          throw new TypeError("boom");
        },
      }),
      { onInternalError: reported },
    );
    expect(await dispatch("tasks.cancel", { taskId: "t9" })).toEqual({
      ok: false,
      error: { code: "not-found", message: "No such task: t9" },
    });
    expect(await dispatch("tasks.clearFinished", {})).toEqual({
      ok: false,
      error: { code: "internal", message: "boom" },
    });
    expect(reported).toHaveBeenCalledTimes(1);
  });

  test("a result that breaks the contract is not passed on", async () => {
    const reported = vi.fn();
    const dispatch = createDispatcher(
      handlersWith({ "accounts.list": async () => [{ id: "a1" }] as never }),
      { onInternalError: reported },
    );
    const answer = await dispatch("accounts.list", {});
    expect(answer).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(reported).toHaveBeenCalledWith("accounts.list", expect.anything());
  });
});
