/** Where the credentials are, in words that do not claim more safety than there is. */
import type { ChannelResult } from "../../shared/contract.ts";

type SecretStorage = ChannelResult<"app.info">["secretStorage"];

export interface StorageWords {
  /** For a fact line ("App key: …"). */
  short: string;
  /** A sentence for the page's lead and the token field's hint. */
  sentence: string;
}

export function secretStorageWords(storage: SecretStorage): StorageWords {
  switch (storage?.kind) {
    case "keyring":
      return {
        short: "Encrypted with the system keyring",
        sentence: "Keys are encrypted with the system keyring and never shown again.",
      };
    case "key-file":
      return {
        short: "Encrypted with a key file (no system keyring)",
        sentence:
          `Keys are encrypted with a key kept beside them in ${storage.path} (there is no system keyring here): ` +
          "anyone who can read your files can read them. They are never shown again.",
      };
    default:
      return { short: "Stored encrypted", sentence: "Keys are stored encrypted and never shown again." };
  }
}
