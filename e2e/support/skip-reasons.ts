/** A reporter that says once why a project's tests were skipped (the list reporter names each test, not the reason). */
import type { FullResult, Reporter, Suite } from "playwright/types/testReporter";

export default class SkipReasons implements Reporter {
  private suite: Suite | undefined;

  onBegin(_config: unknown, suite: Suite): void {
    this.suite = suite;
  }

  onEnd(_result: FullResult): void {
    const counts = new Map<string, number>();
    for (const test of this.suite?.allTests() ?? []) {
      if (test.outcome() !== "skipped") continue;
      const reason = test.results.at(-1)?.annotations.find((a) => a.type === "skip")?.description;
      if (!reason) continue;
      const line = `[${test.parent.project()?.name ?? "?"}] skipped: ${reason}`;
      counts.set(line, (counts.get(line) ?? 0) + 1);
    }
    for (const [line, count] of counts) console.log(`${line} (${count} ${count === 1 ? "test" : "tests"})`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
