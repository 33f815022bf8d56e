/** Demo credentials, generated once per data folder so a restart keeps the same accounts working. */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SandboxCredentials {
  appId: string;
  appKey: string;
  ost: { appId: string; apiKey: string; apiSecret: string };
}

function generate(): SandboxCredentials {
  const upper = randomBytes(6)
    .toString("hex")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "");
  return {
    appId: `SX${new Date().toISOString().slice(0, 10).replaceAll("-", "")}${upper}`,
    appKey: randomBytes(16).toString("hex"),
    ost: {
      appId: randomBytes(4).toString("hex"),
      apiKey: randomBytes(16).toString("hex"),
      apiSecret: randomBytes(24).toString("base64url"),
    },
  };
}

export function demoCredentials(dataDir: string): SandboxCredentials {
  const file = join(dataDir, "credentials.json");
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as SandboxCredentials;
    } catch {
      // An unreadable file is replaced by fresh credentials below.
    }
  }
  const credentials = generate();
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
