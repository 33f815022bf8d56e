/**
 * A small, safe subset of the KDocs script language, read line by line. Script text is parsed here
 * and never handed to a JavaScript engine: what this grammar does not know is an error naming its line.
 *
 *   statement  := log | sleep | assign | expr            (several on a line when separated by ";")
 *   log        := "console." ("log"|"info"|"warn"|"error"|"debug") "(" [expr ("," expr)*] ")"
 *   sleep      := "Time.sleep(" expr ")"
 *   assign     := range ".Value" "=" expr
 *   expr       := term ("+" term)*                       (numbers add, anything else concatenates)
 *   term       := string | number | range ("." "Text" | "." "Value") | "(" expr ")"
 *   range      := "Application.Range(" string ")"
 * A line may end with a "//" comment.
 *
 * The interpreter runs inside the apps that embed the local cloud, so one run is bounded: the size of
 * a value and of its log, its total sleep and its statements (ScriptLimits). A run past a cap ends
 * with an error that names the cap.
 */

export type Value = string | number;

export type Expr =
  | { kind: "literal"; value: Value }
  | { kind: "cell"; cell: string; property: "Text" | "Value" }
  | { kind: "sum"; terms: Expr[] };

export type LogLevel = "info" | "warn" | "error" | "debug";

export type Statement =
  | { kind: "log"; level: LogLevel; args: Expr[] }
  | { kind: "sleep"; ms: Expr }
  | { kind: "assign"; cell: string; value: Expr }
  | { kind: "expression"; value: Expr };

export interface LocatedStatement {
  statement: Statement;
  /** 1-based, as the vendor's `filename` field shows it ("test.ks:3:1"). */
  column: number;
}

/** Longest single `Time.sleep` [ours]. */
export const MAX_SLEEP_MS = 60_000;

/** What one run may use at most [ours]. */
export interface ScriptLimits {
  /** Characters in one value: a spreadsheet cell's limit. */
  valueChars: number;
  /** Bytes of log lines (their values as text) in one run. */
  logBytes: number;
  /** All of a run's `Time.sleep`s together. */
  sleepMs: number;
  /** Statements one run executes. */
  statements: number;
}

export const DEFAULT_LIMITS: ScriptLimits = {
  valueChars: 32_767,
  logBytes: 1024 * 1024,
  sleepMs: 5 * 60_000,
  statements: 10_000,
};

/** What a run has used so far, checked against its limits as it goes. */
export class RunBudget {
  readonly limits: ScriptLimits;
  #statements = 0;
  #sleptMs = 0;
  #logBytes = 0;

  constructor(limits: ScriptLimits = DEFAULT_LIMITS) {
    this.limits = limits;
  }

  statement(line: number): void {
    if (++this.#statements > this.limits.statements)
      throw capError(line, "statement", `${this.limits.statements} per run`);
  }

  sleep(ms: number, line: number): void {
    this.#sleptMs += ms;
    if (this.#sleptMs > this.limits.sleepMs)
      throw capError(line, "total sleep", `${this.limits.sleepMs} ms per run`);
  }

  log(args: Value[], line: number): void {
    for (const arg of args) this.#logBytes += Buffer.byteLength(String(arg));
    if (this.#logBytes > this.limits.logBytes)
      throw capError(line, "log size", `${this.limits.logBytes} bytes per run`);
  }
}

function capError(line: number, cap: string, limit: string): ScriptError {
  return new ScriptError(line, `over the ${cap} cap (${limit})`);
}

/** A script fault; the message names the line. */
export class ScriptError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "ScriptError";
    this.line = line;
  }
}

const LOG_LEVELS: Record<string, LogLevel> = {
  log: "info",
  info: "info",
  warn: "warn",
  error: "error",
  debug: "debug",
};

/** Thrown inside the parser; turned into a ScriptError with the line's own words. */
class Unsupported extends Error {}

class LineParser {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  statements(): LocatedStatement[] {
    const result: LocatedStatement[] = [];
    for (;;) {
      this.skipSpace();
      if (this.atEnd()) return result;
      const column = this.pos + 1;
      result.push({ statement: this.statement(), column });
      this.skipSpace();
      if (this.atEnd()) return result;
      this.expect(";");
    }
  }

  private statement(): Statement {
    if (this.take("console.")) {
      const name = this.identifier();
      const level = LOG_LEVELS[name];
      if (!level) throw new Unsupported();
      this.expect("(");
      const args: Expr[] = [];
      this.skipSpace();
      if (!this.take(")")) {
        do args.push(this.expr());
        while (this.take(","));
        this.expect(")");
      }
      return { kind: "log", level, args };
    }
    if (this.take("Time.sleep")) {
      this.expect("(");
      const ms = this.expr();
      this.expect(")");
      return { kind: "sleep", ms };
    }
    const start = this.pos;
    const cell = this.tryRange();
    if (cell !== undefined) {
      this.expect(".");
      const property = this.identifier();
      this.skipSpace();
      if (property === "Value" && this.text[this.pos] === "=" && this.text[this.pos + 1] !== "=") {
        this.pos += 1;
        return { kind: "assign", cell, value: this.expr() };
      }
      this.pos = start;
    }
    return { kind: "expression", value: this.expr() };
  }

  private expr(): Expr {
    const terms = [this.term()];
    while (this.take("+")) terms.push(this.term());
    return terms.length === 1 ? terms[0]! : { kind: "sum", terms };
  }

  private term(): Expr {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return { kind: "literal", value: this.string() };
    if (c !== undefined && /[-\d.]/.test(c)) return { kind: "literal", value: this.number() };
    if (this.take("(")) {
      const inner = this.expr();
      this.expect(")");
      return inner;
    }
    const cell = this.tryRange();
    if (cell === undefined) throw new Unsupported();
    this.expect(".");
    const property = this.identifier();
    if (property !== "Text" && property !== "Value") throw new Unsupported();
    return { kind: "cell", cell, property };
  }

  /** `Application.Range("A1")` → "A1", or undefined (position unchanged) when the text is not one. */
  private tryRange(): string | undefined {
    this.skipSpace();
    if (!this.text.startsWith("Application.Range", this.pos)) return undefined;
    this.pos += "Application.Range".length;
    this.expect("(");
    this.skipSpace();
    const address = this.string().toUpperCase();
    if (!/^[A-Z]{1,3}[1-9]\d{0,6}$/.test(address)) throw new Unsupported();
    this.expect(")");
    return address;
  }

  private string(): string {
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "'") throw new Unsupported();
    this.pos += 1;
    let out = "";
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) throw new Unsupported();
      this.pos += 1;
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[this.pos];
      this.pos += 1;
      if (e === "n") out += "\n";
      else if (e === "t") out += "\t";
      else if (e === "r") out += "\r";
      else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(parseInt(this.text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else if (e !== undefined && "\\'\"".includes(e)) out += e;
      else throw new Unsupported();
    }
  }

  private number(): number {
    const match = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match) throw new Unsupported();
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private identifier(): string {
    const match = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos));
    if (!match) throw new Unsupported();
    this.pos += match[0].length;
    return match[0];
  }

  private take(token: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.take(token)) throw new Unsupported();
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos += 1;
    if (this.text.startsWith("//", this.pos)) this.pos = this.text.length;
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }
}

/** The statements of one line (none for a blank or comment line); a ScriptError names what it cannot read. */
export function parseLine(text: string, line: number): LocatedStatement[] {
  try {
    return new LineParser(text).statements();
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    const shown = text.trim();
    throw new ScriptError(
      line,
      `unsupported statement: ${shown.length > 80 ? `${shown.slice(0, 80)}...` : shown}`,
    );
  }
}

/** A script's lines, split the way the vendor's examples write them ("\r\n" or "\n"). */
export function scriptLines(script: string): string[] {
  return script.split(/\r\n|\n|\r/);
}

export interface Sheet {
  get(cell: string): Value | undefined;
  set(cell: string, value: Value): void;
}

/** The value of an expression; a text longer than the value size cap ends the run before it is built. */
export function evaluate(
  expr: Expr,
  sheet: Sheet,
  line: number,
  limits: ScriptLimits = DEFAULT_LIMITS,
): Value {
  const bounded = (value: Value): Value => {
    if (typeof value === "string" && value.length > limits.valueChars)
      throw capError(line, "value size", `${limits.valueChars} characters`);
    return value;
  };
  switch (expr.kind) {
    case "literal":
      return bounded(expr.value);
    case "cell": {
      const value = sheet.get(expr.cell);
      if (expr.property === "Text") return value === undefined ? "" : String(value);
      return value ?? "";
    }
    case "sum": {
      const values = expr.terms.map((term) => evaluate(term, sheet, line, limits));
      // JavaScript's "+": all numbers add, otherwise the parts are joined as text.
      if (values.every((v) => typeof v === "number")) return values.reduce<number>((a, b) => a + b, 0);
      let length = 0;
      for (const value of values) {
        length += String(value).length;
        if (length > limits.valueChars) throw capError(line, "value size", `${limits.valueChars} characters`);
      }
      return values.map(String).join("");
    }
  }
}

/** How the vendor shows a value as `result` ("[Undefined]" for a statement without one). */
export function resultText(value: Value | undefined): string {
  return value === undefined ? "[Undefined]" : String(value);
}

export function sleepMs(statement: { ms: Expr }, sheet: Sheet, line: number): number {
  const ms = evaluate(statement.ms, sheet, line);
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > MAX_SLEEP_MS) {
    throw new ScriptError(line, `Time.sleep takes a number of milliseconds from 0 to ${MAX_SLEEP_MS}`);
  }
  return ms;
}
