/** A pair's script rule: which uploaded documents it applies to, checked once when it is set. */
import { ipcFailure } from "../ipc-error.ts";
import { say } from "../words.ts";
import type { ScriptRule } from "../journal/index.ts";

/** Lowercase extensions without their dot, deduplicated; a clear error for anything unusable. */
export function normalizeScriptRule(rule: ScriptRule): ScriptRule {
  if (typeof rule !== "object" || rule === null)
    throw ipcFailure("invalid-input", say("errors.scriptRule.missing"));
  if (!Array.isArray(rule.extensions) || rule.extensions.length === 0) {
    throw ipcFailure("invalid-input", say("errors.scriptRule.noExtension"));
  }
  const extensions: string[] = [];
  for (const raw of rule.extensions) {
    const extension = typeof raw === "string" ? raw.trim().replace(/^\./, "").toLowerCase() : "";
    if (!/^[^\s/\\.][^\s/\\]*$/.test(extension)) {
      throw ipcFailure("invalid-input", say("errors.scriptRule.badExtension", { extension: String(raw) }));
    }
    if (!extensions.includes(extension)) extensions.push(extension);
  }
  if (typeof rule.script !== "string" || rule.script.trim() === "") {
    throw ipcFailure("invalid-input", say("errors.scriptRule.empty"));
  }
  const name = typeof rule.name === "string" ? rule.name.trim() : "";
  return { extensions, script: rule.script, ...(name ? { name } : {}) };
}

/** Whether the rule applies to a pair-relative path ("a/Report.XLSX" matches "xlsx"). */
export function scriptRuleMatches(rule: ScriptRule, path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  return rule.extensions.some(
    (extension) => name.endsWith(`.${extension}`) && name.length > extension.length + 1,
  );
}
