/**
 * Secrets encrypted with the OS keychain (Electron safeStorage); older key-file blobs still open.
 * Where safeStorage has no keychain behind it (Linux with no secret service, so its "basic_text"
 * store with a fixed password), the key file readable only by the user protects more, and is used.
 * safeStorage's synchronous calls are deprecated since Electron 45; the core's SecretBox is
 * synchronous, so they stay until it is not.
 */
import { safeStorage } from "electron";
import { createKeyFileSecretBox, type SecretBox } from "../core/secrets/secret-box.ts";

const PREFIX = "ss1:";

function keychainBacked(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (process.platform !== "linux") return true;
  const backend = safeStorage.getSelectedStorageBackend();
  return backend !== "basic_text" && backend !== "unknown";
}

export function createSafeStorageBox(fallbackKeyFile: string): SecretBox {
  const keyFile = createKeyFileSecretBox(fallbackKeyFile);
  const decrypt = (blob: string): string =>
    blob.startsWith(PREFIX)
      ? safeStorage.decryptString(Buffer.from(blob.slice(PREFIX.length), "base64"))
      : keyFile.decrypt(blob);
  if (!keychainBacked()) return { encrypt: keyFile.encrypt, decrypt };
  return { encrypt: (plain) => PREFIX + safeStorage.encryptString(plain).toString("base64"), decrypt };
}
