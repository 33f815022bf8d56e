import { EventEmitter } from "node:events";
import { expect, test } from "vitest";
import { installLastResort } from "./last-resort.ts";

function installed() {
  const target = new EventEmitter();
  const lines: string[] = [];
  const exits: number[] = [];
  installLastResort({ target, report: (line) => lines.push(line), exit: (code) => exits.push(code) });
  return { target, lines, exits };
}

test("a failed promise nobody waited for is logged and the process goes on", () => {
  const { target, lines, exits } = installed();
  target.emit("unhandledRejection", new Error("the service could not be reached"));
  expect(lines).toEqual([expect.stringContaining("the service could not be reached")]);
  expect(exits).toEqual([]);
});

test("a journal that could not be written is logged and the process goes on", () => {
  const { target, lines, exits } = installed();
  target.emit("uncaughtException", Object.assign(new Error("database is locked"), { errcode: 5 }));
  target.emit("uncaughtException", Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain("database is locked");
  expect(exits).toEqual([]);
});

test("anything else thrown is logged and ends the process with 1", () => {
  const { target, lines, exits } = installed();
  target.emit("uncaughtException", new TypeError("x is not a function"));
  expect(lines).toEqual([expect.stringContaining("x is not a function")]);
  expect(exits).toEqual([1]);
});
