/**
 * Ways the local cloud can answer as a real service might where the vendor pages are silent, so the
 * client is tested against answers outside docsync's contract, not only against its own reading:
 *
 * - `unfamiliarAnswers`: the first status answer of every task (import, batch move, KooDrive job and
 *   package, script) uses a status word the contract does not know (`queued`, `running`, 4) and
 *   leaves out `progress`; task answers carry a field the contract does not list (`trace_id`);
 *   KooDrive answers `code` as the String "0"; the script status carries `code: 0`; every batch move
 *   is a task, even a small one.
 * - `ignoreUndocumented`: the async upload ignores the fields its page does not list (`file_token`,
 *   `parent_path`) and makes a new file named `filename` in `parent_token`.
 */
import { z } from "zod";

export interface Quirks {
  unfamiliarAnswers?: boolean;
  ignoreUndocumented?: boolean;
}

export const quirksSchema = z
  .object({ unfamiliarAnswers: z.boolean().optional(), ignoreUndocumented: z.boolean().optional() })
  .strict();

const FLAGS: Record<string, keyof Quirks> = {
  "unfamiliar-answers": "unfamiliarAnswers",
  "ignore-undocumented": "ignoreUndocumented",
};

/** `unfamiliar-answers,ignore-undocumented` as used on the command line. */
export function parseQuirksFlag(text: string): Quirks {
  const quirks: Quirks = {};
  for (const word of text.split(",").map((part) => part.trim())) {
    if (word === "") continue;
    const key = FLAGS[word];
    if (!key) throw new Error(`"${word}" is not one of ${Object.keys(FLAGS).join(", ")}`);
    quirks[key] = true;
  }
  return quirks;
}

/** The quirks in force (changeable while the server runs), shared by every service of the server. */
export class QuirkBook {
  #quirks: Quirks;
  readonly #answered = new Set<string>();

  constructor(quirks: Quirks = {}) {
    this.#quirks = { ...quirks };
  }

  get(): Quirks {
    return { ...this.#quirks };
  }

  set(quirks: Quirks): void {
    this.#quirks = { ...quirks };
  }

  get unfamiliar(): boolean {
    return this.#quirks.unfamiliarAnswers === true;
  }

  get ignoreUndocumented(): boolean {
    return this.#quirks.ignoreUndocumented === true;
  }

  /** True once per task: the first status answer, which the unfamiliar mode words its own way. */
  firstAnswer(kind: string, id: string): boolean {
    if (!this.unfamiliar) return false;
    const key = `${kind}\n${id}`;
    if (this.#answered.has(key)) return false;
    this.#answered.add(key);
    return true;
  }

  /**
   * A KDocs task answer as the unfamiliar mode gives it: the first one with `word` for its status and
   * no `progress`, every one with a `trace_id`.
   */
  taskView<T extends { task_id: string; status: string }>(kind: string, view: T, word: string): object {
    if (!this.unfamiliar) return view;
    const traced = { ...view, trace_id: `trace-${view.task_id.slice(0, 8)}` };
    if (!this.firstAnswer(kind, view.task_id)) return traced;
    const { progress: _progress, ...rest } = traced as T & { progress?: unknown; trace_id: string };
    return { ...rest, status: word };
  }
}
