import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CloudError } from "../cloud/errors.ts";
import { errorFromEnvelope } from "../cloud/kdocs/adapter.ts";
import type { CloudProvider } from "../cloud/provider.ts";
import { IpcFailure } from "../ipc-error.ts";
import { createKeyFileSecretBox } from "../secrets/secret-box.ts";
import { openSettings } from "../settings/settings.ts";
import { createAccounts, type KdocsConfig } from "./accounts.ts";

const APP_KEY = "the-real-app-key-0123456789";

/** A provider whose verify() answers like the service would for the given config. */
function fakeProvider(config: KdocsConfig, clockOff: { value: boolean }): CloudProvider {
  return {
    kind: "kdocs",
    rootId: "0",
    directUploadLimit: 1,
    maxMoveBatch: 100,
    async verify() {
      if (config.appKey !== APP_KEY)
        throw errorFromEnvelope({ code: 30003, msg: "InvalidSignature" }, 401, undefined);
      if (clockOff.value) {
        throw new CloudError("clock", "Date too far from server time", {
          code: 30004,
          hint: "your clock is 20 minutes behind",
        });
      }
    },
  } as unknown as CloudProvider;
}

describe("accounts", () => {
  let home: string;
  const clockOff = { value: false };
  let made = 0;
  const open = () =>
    createAccounts({
      settings: openSettings(home),
      secrets: createKeyFileSecretBox(join(home, "secret.key")),
      makeKdocsProvider: (config) => {
        made += 1;
        return fakeProvider(config, clockOff);
      },
      now: () => 1_700_000_000_000,
    });
  const input = (appKey: string) =>
    ({ kind: "kdocs", name: "Work", baseUrl: "http://127.0.0.1:1", appId: "SX2022", appKey }) as const;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "docsync-accounts-"));
    clockOff.value = false;
    made = 0;
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("adds an account after a real check and never shows or stores the key in clear", async () => {
    const accounts = open();
    const view = await accounts.add({
      ...input(APP_KEY),
      largeFiles: {
        baseUrl: "http://127.0.0.1:2",
        appId: "ost",
        apiKey: "ost-key-xyz",
        apiSecret: "ost-secret-xyz",
      },
    });
    expect(view).toMatchObject({
      name: "Work",
      appId: "SX2022",
      hasLargeFiles: true,
      status: { state: "connected" },
    });
    const everything = JSON.stringify(open().list()) + readFileSync(join(home, "settings.json"), "utf8");
    for (const secret of [APP_KEY, "ost-key-xyz", "ost-secret-xyz"]) expect(everything).not.toContain(secret);
    // The provider built for the check is the one reused; a fresh process builds it once from the decrypted key.
    expect(accounts.providerFor(view.id)).toBe(accounts.providerFor(view.id));
    expect(made).toBe(1);
    const reopened = open();
    expect(reopened.providerFor(view.id)).toBe(reopened.providerFor(view.id));
    expect(made).toBe(2);
    await expect(reopened.test(view.id)).resolves.toMatchObject({ status: { state: "connected" } });
  });

  it("saves nothing when the key is wrong and says so", async () => {
    const accounts = open();
    const failure = await accounts.add(input("wrong")).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IpcFailure);
    expect((failure as IpcFailure).ipc.code).toBe("credentials");
    expect((failure as IpcFailure).ipc.message).toMatch(/app key is wrong/);
    expect(open().list()).toEqual([]);
  });

  it("refuses KooDrive, a duplicate name and unknown ids clearly", async () => {
    const accounts = open();
    await expect(
      accounts.add({ kind: "koodrive", name: "K", baseUrl: "http://127.0.0.1:3", token: "t" }),
    ).rejects.toMatchObject({ ipc: { code: "unsupported", message: expect.stringMatching(/KooDrive/) } });
    await accounts.add(input(APP_KEY));
    await expect(accounts.add(input(APP_KEY))).rejects.toMatchObject({ ipc: { code: "conflict" } });
    await expect(accounts.test("nope")).rejects.toMatchObject({ ipc: { code: "not-found" } });
  });

  it("test records why an account stopped working; remove forgets it", async () => {
    const accounts = open();
    const changes: number[] = [];
    accounts.onChange((list) => changes.push(list.length));
    const { id } = await accounts.add(input(APP_KEY));
    clockOff.value = true;
    const tested = await accounts.test(id);
    expect(tested.status).toMatchObject({
      state: "error",
      message: expect.stringMatching(/clock is off.*20 minutes/i),
    });
    expect(open().get(id).status.state).toBe("error");
    accounts.remove(id);
    expect(open().list()).toEqual([]);
    expect(changes).toEqual([1, 1, 0]);
  });

  it("keeps a user access token encrypted, never shows it, and hands it only to the script calls", async () => {
    const accounts = open();
    const { id } = await accounts.add(input(APP_KEY));
    expect(() => accounts.scriptAccess(id)).toThrow(/has no user access token/);
    const view = accounts.setAccessToken(id, "user-token-abcdef");
    expect(view.hasAccessToken).toBe(true);
    const reopened = open();
    expect(reopened.scriptAccess(id)).toEqual({
      baseUrl: "http://127.0.0.1:1",
      accessToken: "user-token-abcdef",
    });
    const everything = JSON.stringify(reopened.list()) + readFileSync(join(home, "settings.json"), "utf8");
    expect(everything).not.toContain("user-token-abcdef");
    // The app key is kept beside it.
    await expect(reopened.test(id)).resolves.toMatchObject({ status: { state: "connected" } });
  });
});
