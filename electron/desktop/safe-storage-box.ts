/** Secrets encrypted with the OS keychain (Electron safeStorage); older key-file blobs still open. */
import { safeStorage } from "electron";
import { createKeyFileSecretBox, type SecretBox } from "../core/secrets/secret-box.ts";

const PREFIX = "ss1:";

export function createSafeStorageBox(fallbackKeyFile: string): SecretBox {
  const keyFile = createKeyFileSecretBox(fallbackKeyFile);
  // Without a keychain (e.g. Linux with no secret service) the key file is as good as it gets.
  if (!safeStorage.isEncryptionAvailable()) return keyFile;
  return {
    encrypt: (plain) => PREFIX + safeStorage.encryptString(plain).toString("base64"),
    decrypt(blob) {
      if (!blob.startsWith(PREFIX)) return keyFile.decrypt(blob);
      return safeStorage.decryptString(Buffer.from(blob.slice(PREFIX.length), "base64"));
    },
  };
}
