import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { onStopSignals } from "./stop-signals.ts";

/** A process stand-in on which a library has already hooked the signals, as when-exit does. */
function processWithLibrary() {
  const target = new EventEmitter();
  let resent = 0;
  const echo = (signal: string) => () => {
    resent += 1;
    target.emit(signal, signal);
  };
  target.once("SIGTERM", echo("SIGTERM"));
  target.once("SIGINT", echo("SIGINT"));
  return { target, resent: () => resent };
}

describe("stop signals", () => {
  it("the first signal stops cleanly; handlers found at install are the shell's to replace", () => {
    const { target, resent } = processWithLibrary();
    const calls: string[] = [];
    onStopSignals({ target, stop: (s) => calls.push(`stop ${s}`), now: (why) => calls.push(why) });
    target.emit("SIGTERM", "SIGTERM");
    expect(calls).toEqual(["stop SIGTERM"]);
    expect(resent()).toBe(0);
    target.emit("SIGINT", "SIGINT");
    expect(calls).toEqual(["stop SIGTERM", "second signal"]);
  });

  it("a signal that a library hooked later sends again is not the user's second one", () => {
    const target = new EventEmitter();
    const calls: string[] = [];
    onStopSignals({ target, stop: (s) => calls.push(`stop ${s}`), now: (why) => calls.push(why) });
    target.once("SIGTERM", () => target.emit("SIGTERM", "SIGTERM"));
    target.emit("SIGTERM", "SIGTERM");
    expect(calls).toEqual(["stop SIGTERM"]);
    target.emit("SIGTERM", "SIGTERM");
    expect(calls).toEqual(["stop SIGTERM", "second signal"]);
  });

  it("a stop that outlives its bound ends the process", async () => {
    const target = new EventEmitter();
    const ended = new Promise<string>((resolve) =>
      onStopSignals({ target, boundMs: 1, stop: () => {}, now: resolve }),
    );
    target.emit("SIGINT", "SIGINT");
    expect(await ended).toBe("bound");
  });

  it("removing the handlers leaves the signals alone", () => {
    const target = new EventEmitter();
    const remove = onStopSignals({ target, stop: () => {} });
    expect(target.listenerCount("SIGTERM")).toBe(1);
    remove();
    expect(target.listenerCount("SIGTERM") + target.listenerCount("SIGINT")).toBe(0);
  });
});
