import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { tempDir } from "../../testing/harness.ts";
import { createKeyFileSecretBox } from "../core/secrets/secret-box.ts";
import { createSafeStorageBox } from "./safe-storage-box.ts";

const home = tempDir("docsync-safe-storage-");
afterEach(() => home.remove());

/** A stand-in for Electron's safeStorage (the Electron binary is not needed to test the box). */
const keyring = (available: boolean) => ({
  isEncryptionAvailable: () => available,
  encryptString: (plain: string) => Buffer.from([...plain].reverse().join("")),
  decryptString: (sealed: Buffer) => [...sealed.toString()].reverse().join(""),
});

test("with a keyring, secrets go to it, key-file secrets still open, and the box says where they are", () => {
  const keyFile = join(home.path, "secret.key");
  const older = createKeyFileSecretBox(keyFile).encrypt("from the web shell");
  const box = createSafeStorageBox(keyFile, keyring(true));
  expect(box.storage).toEqual({ kind: "keyring" });
  expect(box.decrypt(box.encrypt("app key"))).toBe("app key");
  expect(box.decrypt(older)).toBe("from the web shell");
});

test("without a keyring, the box is the key file and says so instead of claiming the keyring", () => {
  const keyFile = join(home.path, "secret.key");
  const box = createSafeStorageBox(keyFile, keyring(false));
  expect(box.storage).toEqual({ kind: "key-file", path: keyFile });
  expect(createKeyFileSecretBox(keyFile).decrypt(box.encrypt("app key"))).toBe("app key");
});
