/** Secrets encrypted with the OS keychain (Electron safeStorage); older key-file blobs still open. */
import type { SafeStorage } from "electron";
import { createKeyFileSecretBox, KEYRING_PREFIX, type SecretBox } from "../core/secrets/secret-box.ts";

export function createSafeStorageBox(
  fallbackKeyFile: string,
  safeStorage: Pick<SafeStorage, "isEncryptionAvailable" | "encryptString" | "decryptString">,
): SecretBox {
  const keyFile = createKeyFileSecretBox(fallbackKeyFile);
  // Without a keychain (e.g. Linux with no secret service) the key file is as good as it gets, and
  // its `storage` says so to the interface.
  if (!safeStorage.isEncryptionAvailable()) return keyFile;
  return {
    storage: { kind: "keyring" },
    encrypt: (plain) => KEYRING_PREFIX + safeStorage.encryptString(plain).toString("base64"),
    decrypt(blob) {
      if (!blob.startsWith(KEYRING_PREFIX)) return keyFile.decrypt(blob);
      return safeStorage.decryptString(Buffer.from(blob.slice(KEYRING_PREFIX.length), "base64"));
    },
  };
}
