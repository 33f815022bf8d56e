import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { describe, expect, test } from "vitest";
import { parseCommandLine } from "./cli-options.ts";
import { API, call } from "./testing/wps2-client.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

describe("command line", () => {
  test("flags become options", () => {
    expect(
      parseCommandLine([
        "--port",
        "8123",
        "--data",
        "/tmp/x",
        "--app-id",
        "SX1",
        "--app-key",
        "k",
        "--plan",
        "test",
        "--faults",
        "latency=50,errors=0.1,drops=0.02,path=/api/v1/openapi/appspace/files/upload",
        "--ost-app-id",
        "a",
        "--ost-api-key",
        "b",
        "--ost-api-secret",
        "c",
        "--quirks",
        "unfamiliar-answers,ignore-undocumented",
      ]),
    ).toEqual({
      port: 8123,
      dataDir: "/tmp/x",
      appId: "SX1",
      appKey: "k",
      plan: "test",
      faults: {
        latencyMs: 50,
        errorRate: 0.1,
        dropRate: 0.02,
        pathPrefix: "/api/v1/openapi/appspace/files/upload",
      },
      ost: { appId: "a", apiKey: "b", apiSecret: "c" },
      quirks: { unfamiliarAnswers: true, ignoreUndocumented: true },
    });
  });

  test("bad flags are named", () => {
    expect(() => parseCommandLine(["--plan", "free"])).toThrow(/--plan/);
    expect(() => parseCommandLine(["--port", "x"])).toThrow(/--port/);
    expect(() => parseCommandLine(["--faults", "errors=2"])).toThrow(/--faults: errorRate/);
    expect(() => parseCommandLine(["--faults", "speed=1"])).toThrow(/--faults/);
    expect(() => parseCommandLine(["--ost-app-id", "a"])).toThrow(/go together/);
    expect(() => parseCommandLine(["--nope"])).toThrow(/nope/);
    expect(() => parseCommandLine(["--quirks", "odd"])).toThrow(
      /--quirks: "odd" is not one of unfamiliar-answers/,
    );
  });

  test("npm run sandbox prints its address and credentials, serves, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [MAIN, "--app-id", "SXCLI", "--app-key", "cli-key"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = once(child, "exit");
    try {
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const first = (await lines.next()).value as string;
      expect(first).toMatch(/^sandbox listening on http:\/\/127\.0\.0\.1:\d+$/);
      const control = (await lines.next()).value as string;
      expect(control).toMatch(
        /^control token \(header x-sandbox-token, for the \/__sandbox\/ routes\): [\w-]{32}$/,
      );
      expect((await lines.next()).value).toBe("kdocs app_id: SXCLI");
      const url = first.slice("sandbox listening on ".length);
      const stats = await fetch(`${url}/__sandbox/stats`, {
        headers: { "x-sandbox-token": control.slice(control.lastIndexOf(" ") + 1) },
      });
      expect(stats.status).toBe(200);
      const listing = await call({ url, appId: "SXCLI", appKey: "cli-key" }, "GET", `${API}/files`);
      expect(listing.json.code).toBe(0);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await exited;
    expect(code).toBe(0);
  });

  test("a bad flag exits 2 with one line", async () => {
    const child = spawn(process.execPath, [MAIN, "--plan", "free"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("--plan");
  });
});
