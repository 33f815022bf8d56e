/** What each kind of account can do, in one table, so neither the core nor the UI branches on the vendor. */
import type { AccountView } from "../../../shared/model.ts";
import { ROOT_TOKEN } from "../cloud/kdocs/adapter.ts";
import { ROOT_ID } from "../cloud/koodrive/adapter.ts";
import type { StoredAccount } from "../settings/settings.ts";

/** The top folder's id, as each service names it (the same as its provider's `rootId`). */
export const ROOT_IDS: Record<StoredAccount["kind"], string> = { kdocs: ROOT_TOKEN, koodrive: ROOT_ID };

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
