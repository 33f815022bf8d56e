/** Demo credentials, generated once per data folder so a restart keeps the same accounts working. */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { newControlToken } from "./control-access.ts";

export interface SandboxCredentials {
  appId: string;
  appKey: string;
  ost: { appId: string; apiKey: string; apiSecret: string };
  /** What the control routes (/__sandbox/) need; kept with the data so a test that made it can steer a restart. */
  controlToken: string;
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
    controlToken: newControlToken(),
  };
}

export function demoCredentials(dataDir: string): SandboxCredentials {
  const file = join(dataDir, "credentials.json");
  let credentials: SandboxCredentials | undefined;
  if (existsSync(file)) {
    try {
      const kept = JSON.parse(readFileSync(file, "utf8")) as Partial<SandboxCredentials>;
      // A data folder from before the control token gets one, and keeps the rest.
      if (kept.appId && kept.appKey && kept.ost && kept.controlToken) return kept as SandboxCredentials;
      if (kept.appId && kept.appKey && kept.ost)
        credentials = { ...(kept as SandboxCredentials), controlToken: newControlToken() };
    } catch {
      // An unreadable file is replaced by fresh credentials below.
    }
  }
  credentials ??= generate();
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
