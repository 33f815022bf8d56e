/**
 * Secrets (app keys, OST secrets, tokens) are stored only as blobs from a SecretBox. The desktop shell
 * supplies one built on the OS keychain; everywhere else a key file readable only by the user is used.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { ipcFailure } from "../ipc-error.ts";

/** Where secrets are kept, so the interface can say it plainly (and how safe that is). */
export type SecretStorage = { kind: "keyring" } | { kind: "key-file"; path: string };

export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(blob: string): string;
  readonly storage: SecretStorage;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
/** The whole GCM tag: a shorter one would make a forged blob far easier to pass. */
const TAG_BYTES = 16;
const PREFIX = "v1:";
/** Blobs the desktop app encrypted with the system keyring (Electron safeStorage). */
export const KEYRING_PREFIX = "ss1:";

/** Reads the key file, or creates it (mode 0600) with a fresh random key when there is none. */
function loadOrCreateKey(keyFile: string): Buffer {
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(keyFile, "wx", 0o600);
    try {
      const key = randomBytes(KEY_BYTES);
      writeSync(fd, key.toString("base64"));
      return key;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // A key file others can read protects nothing; tighten it rather than trust it silently.
  if ((statSync(keyFile).mode & 0o077) !== 0) chmodSync(keyFile, 0o600);
  const key = Buffer.from(readFileSync(keyFile, "utf8").trim(), "base64");
  if (key.length !== KEY_BYTES)
    throw new Error(`The key file ${keyFile} is damaged; remove it and add the accounts again.`);
  return key;
}

/** AES-256-GCM with a key kept in `keyFile`: the default for the web shell and the command line. */
export function createKeyFileSecretBox(keyFile: string): SecretBox {
  let key: Buffer | undefined;
  const getKey = () => (key ??= loadOrCreateKey(keyFile));
  return {
    storage: { kind: "key-file", path: keyFile },
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", getKey(), iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    },
    decrypt(blob) {
      if (blob.startsWith(KEYRING_PREFIX)) {
        // Only the desktop app can ask the keyring; this shell cannot open them.
        throw ipcFailure(
          "credentials",
          "these credentials were saved by the desktop app with the system keyring; open the desktop app, or add the account again",
        );
      }
      if (!blob.startsWith(PREFIX)) throw new Error("This secret was not written by this key file.");
      const raw = Buffer.from(blob.slice(PREFIX.length), "base64");
      const iv = raw.subarray(0, IV_BYTES);
      const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
      const key = getKey();
      try {
        if (tag.length !== TAG_BYTES)
          throw new Error(`the authentication tag is ${tag.length} bytes, not ${TAG_BYTES}`);
        const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tag);
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch (error) {
        throw new Error("A stored secret cannot be decrypted with this key file; add the account again.", {
          cause: error,
        });
      }
    },
  };
}
