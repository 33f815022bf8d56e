import { join } from "node:path";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { tempDir } from "../../testing/harness.ts";

/** A keychain stand-in: reversible, visibly not the key file's format. */
const keychain = vi.hoisted(() => ({
  available: true,
  backend: "gnome_libsecret",
  encryptString: (plain: string) => Buffer.from(`sealed:${plain}`),
  decryptString: (sealed: Buffer) => sealed.toString().replace(/^sealed:/, ""),
}));
vi.mock("electron", () => ({
  safeStorage: {
    isEncryptionAvailable: () => keychain.available,
    getSelectedStorageBackend: () => keychain.backend,
    encryptString: keychain.encryptString,
    decryptString: keychain.decryptString,
  },
}));
const { createSafeStorageBox } = await import("./safe-storage-box.ts");

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir("docsync-safe-storage-");
  keychain.available = true;
  keychain.backend = "gnome_libsecret";
});
afterEach(() => dir.remove());

test.runIf(process.platform === "linux")(
  "the keychain seals secrets where one is there; without one (basic_text) the key file does, and both open",
  () => {
    const keyFile = join(dir.path, "secret.key");
    const sealed = createSafeStorageBox(keyFile).encrypt("app-key-1");
    expect(sealed.startsWith("ss1:")).toBe(true);
    keychain.backend = "basic_text";
    const box = createSafeStorageBox(keyFile);
    const fromKeyFile = box.encrypt("app-key-2");
    expect(fromKeyFile.startsWith("v1:")).toBe(true);
    expect(box.decrypt(sealed)).toBe("app-key-1");
    expect(box.decrypt(fromKeyFile)).toBe("app-key-2");
    keychain.available = false;
    expect(createSafeStorageBox(keyFile).encrypt("x").startsWith("v1:")).toBe(true);
  },
);
