import { expect, test } from "vitest";
import { secretStorageWords } from "./secret-storage.ts";

test("a key file is named as such, with where it is and how safe that is; only the keyring is called the keyring", () => {
  const keyFile = secretStorageWords({ kind: "key-file", path: "/home/ann/.docsync/secret.key" });
  expect(keyFile.short).toBe("Encrypted with a key file (no system keyring)");
  expect(keyFile.sentence).toContain("/home/ann/.docsync/secret.key");
  expect(keyFile.sentence).toContain("anyone who can read your files can read them");
  expect(secretStorageWords({ kind: "keyring" }).short).toBe("Encrypted with the system keyring");
});
