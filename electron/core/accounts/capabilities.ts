/** What each kind of account can do, in one table, so neither the core nor the UI branches on the vendor. */
import type { AccountView } from "../../../shared/model.ts";
import type { StoredAccount } from "../settings/settings.ts";

export type Capabilities = AccountView["capabilities"];

export function capabilitiesOf(account: Pick<StoredAccount, "kind" | "largeFiles">): Capabilities {
  switch (account.kind) {
    case "kdocs":
      // Beyond 64 MB, KDocs needs the OST staging credentials.
      return { zipDownload: false, scripts: true, largeFiles: account.largeFiles !== undefined };
    case "koodrive":
      // Multipart uploads take files up to 200 GB; share tasks pack selections.
      return { zipDownload: true, scripts: false, largeFiles: true };
  }
}
