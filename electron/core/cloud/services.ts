/**
 * The services docsync speaks, by account kind: what each account is and can do, as its own provider
 * declares it, known from the settings alone (no call, no secret).
 */
import { kdocsTraits } from "./kdocs/provider.ts";
import { kooDriveTraits } from "./koodrive/provider.ts";
import type { ProviderTraits } from "./provider.ts";

export function traitsOf(account: { kind: ProviderTraits["kind"]; largeFiles?: unknown }): ProviderTraits {
  switch (account.kind) {
    case "kdocs":
      return kdocsTraits(account);
    case "koodrive":
      return kooDriveTraits();
  }
}
