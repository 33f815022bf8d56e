import { describe, expect, it } from "vitest";
import { RunBudget, ScriptError, evaluate, parseLine, type Sheet, type Value } from "./interpreter.ts";

function sheetOf(cells: Record<string, Value> = {}): Sheet {
  return { get: (cell) => cells[cell], set: (cell, value) => void (cells[cell] = value) };
}

describe("script interpreter", () => {
  it("reads logs, sleeps, cell reads and writes, with columns and comments", () => {
    expect(parseLine('console.log("foo")', 1)).toEqual([
      { column: 1, statement: { kind: "log", level: "info", args: [{ kind: "literal", value: "foo" }] } },
    ]);
    const [sleep, warn] = parseLine("  Time.sleep(300);  console.warn('a', 2) // later", 4);
    expect(sleep).toMatchObject({ column: 3, statement: { kind: "sleep" } });
    expect(warn).toMatchObject({ column: 21, statement: { kind: "log", level: "warn" } });
    expect(parseLine('Application.Range("b2").Value = "x" + 1', 1)[0]!.statement).toEqual({
      kind: "assign",
      cell: "B2",
      value: {
        kind: "sum",
        terms: [
          { kind: "literal", value: "x" },
          { kind: "literal", value: 1 },
        ],
      },
    });
    expect(parseLine("   // nothing here", 1)).toEqual([]);
    expect(parseLine("", 1)).toEqual([]);
  });

  it("adds numbers and joins anything else, like JavaScript's +", () => {
    const sheet = sheetOf({ A1: 40, B1: "total" });
    const value = (text: string) => {
      const [parsed] = parseLine(text, 1);
      if (parsed?.statement.kind !== "expression") throw new Error("not an expression");
      return evaluate(parsed.statement.value, sheet, 1);
    };
    expect(value('Application.Range("A1").Value + 2')).toBe(42);
    expect(value('Application.Range("B1").Text + ": " + Application.Range("A1").Text')).toBe("total: 40");
    expect(value('"a\\"b\\n" + (1 + 2)')).toBe('a"b\n3');
    expect(value('Application.Range("Z9").Text')).toBe("");
  });

  it("refuses anything else with an error naming the line, never running it", () => {
    for (const text of [
      'eval("1")',
      'require("fs")',
      "process.exit(1)",
      "console.log(`x`)",
      'console.table("x")',
      'Application.Range("A1").Formula = 1',
      'console.log("unterminated)',
      "Time.sleep(10) Time.sleep(10)",
    ]) {
      let error: unknown;
      try {
        parseLine(text, 7);
      } catch (caught) {
        error = caught;
      }
      expect(error, text).toBeInstanceOf(ScriptError);
      expect((error as ScriptError).message).toMatch(/^line 7: unsupported statement: /);
    }
  });
});

describe("script limits", () => {
  const limits = { valueChars: 10, logBytes: 20, sleepMs: 1_000, statements: 3 };

  it("a value past the value size cap ends the run before it is built, naming the cap", () => {
    const sheet = sheetOf({ A1: "12345678" });
    const statement = parseLine('Application.Range("A1").Value + Application.Range("A1").Value', 4)[0]!
      .statement;
    if (statement.kind !== "expression") throw new Error("not an expression");
    expect(() => evaluate(statement.value, sheet, 4, limits)).toThrow(
      "line 4: over the value size cap (10 characters)",
    );
  });

  it("a run past its statements, total sleep or log size ends with the cap named", () => {
    const statements = new RunBudget(limits);
    for (let i = 0; i < 3; i++) statements.statement(1);
    expect(() => statements.statement(2)).toThrow("line 2: over the statement cap (3 per run)");
    const sleep = new RunBudget(limits);
    sleep.sleep(600, 1);
    expect(() => sleep.sleep(600, 5)).toThrow("line 5: over the total sleep cap (1000 ms per run)");
    const log = new RunBudget(limits);
    log.log(["0123456789"], 1);
    expect(() => log.log(["0123456789", 1], 6)).toThrow("line 6: over the log size cap (20 bytes per run)");
  });
});
