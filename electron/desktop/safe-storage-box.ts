/**
 * Secrets encrypted with the OS keychain (Electron safeStorage); older key-file blobs still open.
 * Where safeStorage has no keychain behind it (Linux with no secret service, so its "basic_text"
 * store with a fixed password), the key file readable only by the user protects more, and is used.
 * safeStorage's synchronous calls are deprecated since Electron 45; the core's SecretBox is
 * synchronous, so they stay until it is not.
 */
import type { SafeStorage } from "electron";
import { createKeyFileSecretBox, KEYRING_PREFIX, type SecretBox } from "../core/secrets/secret-box.ts";

type Keychain = Pick<
  SafeStorage,
  "isEncryptionAvailable" | "getSelectedStorageBackend" | "encryptString" | "decryptString"
>;

function keychainBacked(safeStorage: Keychain): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (process.platform !== "linux") return true;
  const backend = safeStorage.getSelectedStorageBackend();
  return backend !== "basic_text" && backend !== "unknown";
}

export function createSafeStorageBox(fallbackKeyFile: string, safeStorage: Keychain): SecretBox {
  const keyFile = createKeyFileSecretBox(fallbackKeyFile);
  // Without a keychain the key file is as good as it gets, and its `storage` says so to the interface.
  if (!safeStorage.isEncryptionAvailable()) return keyFile;
  const decrypt = (blob: string): string =>
    blob.startsWith(KEYRING_PREFIX)
      ? safeStorage.decryptString(Buffer.from(blob.slice(KEYRING_PREFIX.length), "base64"))
      : keyFile.decrypt(blob);
  // safeStorage's basic_text store still opens what it sealed before; new secrets go to the key file.
  if (!keychainBacked(safeStorage)) return { storage: keyFile.storage, encrypt: keyFile.encrypt, decrypt };
  return {
    storage: { kind: "keyring" },
    encrypt: (plain) => KEYRING_PREFIX + safeStorage.encryptString(plain).toString("base64"),
    decrypt,
  };
}
