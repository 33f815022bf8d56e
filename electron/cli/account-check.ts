/** `account check NAME`: the round trip of `accounts.check`, one line per step, and the report as JSON. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { checkLines } from "../core/accounts/check.ts";
import { expectPositionals, type CommandContext } from "./commands.ts";
import { accountIdFor } from "./remote-ref.ts";

export async function accountCheck({
  core,
  home,
  output,
  values,
  positionals,
}: CommandContext): Promise<number> {
  expectPositionals(positionals, 1, 1, "account check NAME [--out FILE] [--json]");
  const accountId = accountIdFor(core, positionals[0]!);
  const check = await core.handlers["accounts.check"]({ accountId });
  const json = JSON.stringify(check, null, 2);
  if (values.json === true) {
    output.out(json);
  } else {
    for (const line of checkLines(check)) output.out(line);
    const when = new Date(check.startedAt).toISOString().replace(/[-:]/g, "").slice(0, 15);
    const file =
      typeof values.out === "string"
        ? resolve(values.out)
        : join(home, "checks", `${check.accountName.replace(/[^\w.-]+/g, "_")}-${when}.json`);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${json}\n`);
    output.out(`report: ${file}`);
  }
  return check.ok ? 0 : 1;
}
