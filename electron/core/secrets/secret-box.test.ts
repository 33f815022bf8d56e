import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCipheriv } from "node:crypto";
import { createKeyFileSecretBox, KEYRING_PREFIX } from "./secret-box.ts";

describe("key file secret box", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "docsync-secrets-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("creates the key file readable only by the user and round-trips secrets", () => {
    const keyFile = join(home, "secret.key");
    const box = createKeyFileSecretBox(keyFile);
    const blob = box.encrypt("wJalrXUtnFEYEXAMPLEKES");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(blob).not.toContain("wJalrXUtnFEYEXAMPLEKES");
    expect(box.encrypt("same")).not.toBe(box.encrypt("same"));
    // A second process with the same key file reads what the first wrote.
    expect(createKeyFileSecretBox(keyFile).decrypt(blob)).toBe("wJalrXUtnFEYEXAMPLEKES");
  });

  it("tightens a key file that others could read", () => {
    const keyFile = join(home, "secret.key");
    const blob = createKeyFileSecretBox(keyFile).encrypt("x");
    chmodSync(keyFile, 0o644);
    expect(createKeyFileSecretBox(keyFile).decrypt(blob)).toBe("x");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it("refuses a tampered blob or another key with a clear error", () => {
    const box = createKeyFileSecretBox(join(home, "a.key"));
    const blob = box.encrypt("secret");
    expect(() => createKeyFileSecretBox(join(home, "b.key")).decrypt(blob)).toThrow(/cannot be decrypted/);
    const raw = Buffer.from(blob.slice(3), "base64");
    raw[raw.length - 1]! ^= 1;
    expect(() => box.decrypt("v1:" + raw.toString("base64"))).toThrow(/cannot be decrypted/);
    writeFileSync(join(home, "c.key"), "short");
    expect(() => createKeyFileSecretBox(join(home, "c.key")).encrypt("x")).toThrow(/damaged/);
    expect(readFileSync(join(home, "a.key"), "utf8")).not.toContain("secret");
  });

  it("refuses a blob whose authentication tag is cut short, even when the short tag is right", () => {
    const keyFile = join(home, "secret.key");
    const box = createKeyFileSecretBox(keyFile);
    box.encrypt("");
    // The blob a forger would try: an empty secret with only the first 4 bytes of its real tag.
    const key = Buffer.from(readFileSync(keyFile, "utf8"), "base64");
    const iv = Buffer.alloc(12, 7);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.final();
    const short = "v1:" + Buffer.concat([iv, cipher.getAuthTag().subarray(0, 4)]).toString("base64");
    expect(() => box.decrypt(short)).toThrow(/cannot be decrypted/);
  });

  it("says what to do with a secret the desktop app keeps in the system keyring", () => {
    const box = createKeyFileSecretBox(join(home, "secret.key"));
    expect(() => box.decrypt(`${KEYRING_PREFIX}AAAA`)).toThrow(
      "these credentials were saved by the desktop app with the system keyring; open the desktop app, or add the account again",
    );
    expect(box.storage).toEqual({ kind: "key-file", path: join(home, "secret.key") });
  });
});
