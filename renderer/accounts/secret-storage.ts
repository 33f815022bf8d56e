/** Where the credentials are, in words that do not claim more safety than there is. */
import type { TFunction } from "i18next";
import type { ChannelResult } from "../../shared/contract.ts";

type SecretStorage = ChannelResult<"app.info">["secretStorage"];

export interface StorageWords {
  /** For a fact line ("App key: …"). */
  short: string;
  /** A sentence for the page's lead. */
  sentence: string;
}

export function secretStorageWords(storage: SecretStorage, t: TFunction): StorageWords {
  switch (storage?.kind) {
    case "keyring":
      return { short: t("accounts.storage.keyringShort"), sentence: t("accounts.storage.keyring") };
    case "key-file":
      return {
        short: t("accounts.storage.keyFileShort"),
        sentence: t("accounts.storage.keyFile", { path: storage.path }),
      };
    default:
      return { short: t("accounts.storage.unknownShort"), sentence: t("accounts.storage.unknown") };
  }
}
