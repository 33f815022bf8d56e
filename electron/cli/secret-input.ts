/**
 * Secrets given as "-" (`--app-key -`): typed at a prompt that does not echo on a terminal, otherwise
 * read from standard input, one line each in the order the flags were given. A secret written on the
 * command line itself shows in `ps` and in the shell's history.
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { UsageError } from "./usage.ts";

/** The flags whose values are secrets. */
export const SECRET_FLAGS = ["app-key", "ost-api-key", "ost-api-secret", "token", "access-token"];

/** Reads one value for each flag named (without its dashes), in order. */
export type SecretInput = (flags: string[]) => Promise<string[]>;

export function standardInputSecrets(
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  prompt: NodeJS.WritableStream = process.stderr,
): SecretInput {
  return async (flags) => {
    const terminal = input.isTTY === true;
    const lines = createInterface({
      input,
      // On a terminal the typed characters are echoed to this output, which drops them.
      output: terminal ? new Writable({ write: (_chunk, _encoding, done) => done() }) : undefined,
      terminal,
      crlfDelay: Infinity,
    });
    const values: string[] = [];
    try {
      const next = lines[Symbol.asyncIterator]();
      for (const flag of flags) {
        if (terminal) prompt.write(`--${flag}: `);
        const line = await next.next();
        if (terminal) prompt.write("\n");
        if (line.done) throw new UsageError(`--${flag} -: standard input ended before its value`);
        if (line.value.trim() === "") throw new UsageError(`--${flag} -: the value read is empty`);
        values.push(line.value.trim());
      }
    } finally {
      lines.close();
    }
    return values;
  };
}
