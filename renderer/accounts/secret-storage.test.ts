import { expect, test } from "vitest";
import { createI18n } from "../../shared/i18n/index.ts";
import { secretStorageWords } from "./secret-storage.ts";

test("a key file is named as such, with where it is and how safe that is; only the keyring is called the keyring", () => {
  const { t } = createI18n("en");
  const keyFile = secretStorageWords({ kind: "key-file", path: "/home/ann/.docsync/secret.key" }, t);
  expect(keyFile.short).toBe("Encrypted with a key file (no system keyring)");
  expect(keyFile.sentence).toContain("/home/ann/.docsync/secret.key");
  expect(keyFile.sentence).toContain("anyone who can read your files can read them");
  expect(secretStorageWords({ kind: "keyring" }, t).short).toBe("Encrypted with the system keyring");
});

test("the same in Chinese", () => {
  const { t } = createI18n("zh-CN");
  const keyFile = secretStorageWords({ kind: "key-file", path: "/home/ann/.docsync/secret.key" }, t);
  expect(keyFile.short).toBe("用密钥文件加密（没有系统钥匙串）");
  expect(keyFile.sentence).toContain("/home/ann/.docsync/secret.key");
  expect(secretStorageWords({ kind: "keyring" }, t).short).toBe("用系统钥匙串加密");
});
