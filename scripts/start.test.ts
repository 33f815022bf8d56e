import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { electronBinary } from "./start.ts";

const script = fileURLToPath(new URL("./start.ts", import.meta.url));

test("without Electron's binary, npm start says why in one line and serves the web shell", async () => {
  if (electronBinary()) return; // A machine with Electron starts the desktop app instead.
  const home = await mkdtemp(join(tmpdir(), "docsync-start-"));
  const child = spawn(process.execPath, [script, "--home", home], {
    env: { ...process.env, DOCSYNC_SKIP_ELECTRON_INSTALL: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    const deadline = Date.now() + 45_000;
    while (!out.includes("\n") && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const url = out.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/);
    expect(err.trim().split("\n")).toEqual([expect.stringMatching(/Electron.*web shell/)]);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>docsync</title>");
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    await rm(home, { recursive: true, force: true });
  }
});
