/**
 * A reporter that prints the end of a failed test's shell log (the core's state at the failure is at
 * its end): on a build machine the printed output is often all that is kept of a run.
 */
import { readFileSync } from "node:fs";
import type { Reporter, TestCase, TestResult } from "playwright/types/testReporter";

const LINES = 150;

export default class FailureLogs implements Reporter {
  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === test.expectedStatus) return;
    const log = result.attachments.find((a) => a.name === "shell log" && a.path);
    if (!log?.path) return;
    let text: string;
    try {
      text = readFileSync(log.path, "utf8");
    } catch {
      return;
    }
    // The page's blocked-resource lines carry whole fonts; their first words say enough.
    const lines = text.split("\n").map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line));
    console.log(
      `\n--- the end of the shell log of "${test.title}" ---\n${lines.slice(-LINES).join("\n")}\n---`,
    );
  }

  printsToStdio(): boolean {
    return false;
  }
}
