import { chmodSync, lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { createI18n, sayPhrase } from "../../shared/i18n/index.ts";
import { tempDir } from "../../testing/harness.ts";
import { say } from "../core/words.ts";
import { shellNames } from "./boot.ts";
import { HomeInUse, lockHome } from "./home-lock.ts";
import { claimHome, prepareHome } from "./home.ts";

const scratch = tempDir("docsync-home-");
afterEach(() => scratch.remove());

const mode = (path: string) => lstatSync(path).mode & 0o777;

test("an existing home is tightened: its folders 0700, its files 0600, links left alone", () => {
  const home = join(scratch.path, "home");
  mkdirSync(join(home, "sandbox", "blobs"), { recursive: true, mode: 0o755 });
  chmodSync(home, 0o755);
  writeFileSync(join(home, "journal.db"), "x", { mode: 0o644 });
  writeFileSync(join(home, "sandbox", "blobs", "ab"), "x", { mode: 0o666 });
  const outside = join(scratch.path, "outside.txt");
  writeFileSync(outside, "not ours", { mode: 0o644 });
  symlinkSync(outside, join(home, "link"));

  expect(prepareHome(home)).toEqual([]);
  expect([home, join(home, "sandbox"), join(home, "sandbox", "blobs")].map(mode)).toEqual([
    0o700, 0o700, 0o700,
  ]);
  expect([join(home, "journal.db"), join(home, "sandbox", "blobs", "ab")].map(mode)).toEqual([0o600, 0o600]);
  expect(statSync(outside).mode & 0o777).toBe(0o644);
});

test("a second claim on a home names the one that holds it, and the home is free again once released", () => {
  const home = join(scratch.path, "home");
  const first = claimHome(home, "the web shell", () => {});
  let refused: unknown;
  try {
    lockHome(home, "the command line (ls)");
  } catch (error) {
    refused = error;
  }
  expect(refused).toBeInstanceOf(HomeInUse);
  expect((refused as Error).message).toBe(
    `${home} is in use by the web shell (pid ${process.pid}); stop it first, or give this one another --home.`,
  );
  first.release();
  lockHome(home, "the command line (ls)").release();
});

test("the holder of a home is named in the language of whoever is refused", () => {
  const home = join(scratch.path, "home");
  const first = claimHome(
    home,
    say("errors.holders.command", { shell: shellNames.cli, command: "watch" }),
    () => {},
  );
  let refused: unknown;
  try {
    lockHome(home, shellNames.web);
  } catch (error) {
    refused = error;
  }
  first.release();
  const phrase = (refused as HomeInUse).ipc.phrase!;
  expect(sayPhrase(createI18n("en"), phrase)).toBe(
    `${home} is in use by the command line (watch) (pid ${process.pid}); stop it first, or give this one another --home.`,
  );
  expect(sayPhrase(createI18n("zh-CN"), phrase)).toBe(
    `${home} 正被命令行（watch）（进程 ${process.pid}）使用；请先停止它，或为这个进程指定另一个 --home。`,
  );
});
