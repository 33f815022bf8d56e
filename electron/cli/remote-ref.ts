/** `NAME:/a/b` on the command line: an account by name and a path in its cloud. */
import type { EntryView } from "../../shared/model.ts";
import type { LocalCore } from "../core/create-core.ts";
import { say } from "../core/words.ts";
import { UsageError } from "./usage.ts";

export interface RemoteRef {
  accountName: string;
  path: string;
}

export function parseRemoteRef(text: string): RemoteRef {
  // The path starts at the first ":/"; an account name may itself contain a colon.
  const at = text.indexOf(":/");
  if (at <= 0) throw new UsageError(say("cli.notCloudPath", { text }));
  return { accountName: text.slice(0, at), path: text.slice(at + 1) };
}

export function accountIdFor(core: LocalCore, accountName: string): string {
  const account = core.accountByName(accountName);
  if (!account) {
    const known = core.accounts.list().map((a) => `"${a.name}"`);
    throw new UsageError(
      known.length
        ? say("cli.noAccountNamed", { name: accountName, known: known.join(", ") })
        : say("cli.noAccountYet", { name: accountName }),
    );
  }
  return account.id;
}

export async function resolveRemoteRef(
  core: LocalCore,
  text: string,
): Promise<{ accountId: string; path: string; entry: EntryView }> {
  const { accountName, path } = parseRemoteRef(text);
  const accountId = accountIdFor(core, accountName);
  return { accountId, path, entry: await core.resolveRemotePath(accountId, path) };
}
