import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CloudError } from "../cloud/errors.ts";
import type { CloudProvider } from "../cloud/provider.ts";
import { createKeyFileSecretBox } from "../secrets/secret-box.ts";
import { openSettings } from "../settings/settings.ts";
import { createAccounts, type KooDriveConfig } from "./accounts.ts";

const TOKEN = "koodrive-bearer-token-0123456789";

describe("KooDrive accounts", () => {
  let home: string;
  let made: KooDriveConfig[];
  const open = () =>
    createAccounts({
      settings: openSettings(home),
      secrets: createKeyFileSecretBox(join(home, "secret.key")),
      makeKdocsProvider: () => {
        throw new Error("no KDocs here");
      },
      makeKooDriveProvider: (config) => {
        made.push(config);
        return {
          kind: "koodrive",
          rootId: "root",
          async verify() {
            if (config.token !== TOKEN)
              throw new CloudError("credentials", "KooDrive refused the access token");
          },
        } as unknown as CloudProvider;
      },
      koodriveSignIn: (baseUrl) =>
        baseUrl === "http://127.0.0.1:7000" ? async () => "fresh-token-from-the-local-cloud" : undefined,
      now: () => 1_700_000_000_000,
    });

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "docsync-koo-accounts-"));
    made = [];
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("checks the token with a real call, stores it only encrypted, and builds the provider from it after a restart", async () => {
    const view = await open().add({
      kind: "koodrive",
      name: "Drive",
      baseUrl: "https://drive.example",
      token: TOKEN,
    });
    expect(view).toMatchObject({
      kind: "koodrive",
      status: { state: "connected" },
      hasAccessToken: false,
      capabilities: { zipDownload: true, scripts: false, largeFiles: true },
    });
    expect(readFileSync(join(home, "settings.json"), "utf8")).not.toContain(TOKEN);
    expect(JSON.stringify(view)).not.toContain(TOKEN);

    const again = open();
    expect(again.providerFor(view.id).kind).toBe("koodrive");
    expect(made.at(-1)).toEqual({ baseUrl: "https://drive.example", token: TOKEN });
    expect(() => again.scriptAccess(view.id)).toThrow(/KooDrive accounts do not run scripts/);
  });

  it("refuses a wrong token and saves nothing", async () => {
    const accounts = open();
    await expect(
      accounts.add({ kind: "koodrive", name: "Drive", baseUrl: "https://drive.example", token: "old" }),
    ).rejects.toMatchObject({ ipc: { code: "credentials", message: /not added.*refused the access token/ } });
    expect(accounts.list()).toEqual([]);
  });

  it("gives the provider a way to sign in again only where docsync can (the local cloud)", async () => {
    const accounts = open();
    await accounts.add({ kind: "koodrive", name: "Local", baseUrl: "http://127.0.0.1:7000", token: TOKEN });
    expect(await made.at(-1)?.refreshToken?.()).toBe("fresh-token-from-the-local-cloud");
  });
});
