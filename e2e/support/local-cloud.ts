/**
 * The local cloud of a test's app. Its data folder is made here first, so the test knows its
 * credentials; the shell then starts the local cloud from that folder (HOME/sandbox), as after a
 * restart, in whatever process the shell runs. The test reaches it through its /__sandbox/ routes.
 */
import { join } from "node:path";
import {
  CONTROL_TOKEN_HEADER,
  startSandbox,
  type FaultSpec,
  type Quirks,
  type UserSpec,
} from "../../sandbox/server.ts";

/** What the local cloud accepts, fixed when its data folder is made. */
export interface LocalCloudSeed {
  appId: string;
  appKey: string;
  /** The user access token of the script endpoints. */
  scriptsAccessToken: string;
  koodriveUser: UserSpec;
  /** What the local cloud's control routes need. */
  controlToken: string;
}

export interface LocalCloud extends LocalCloudSeed {
  /** http://127.0.0.1:PORT, where the shell started it. */
  url: string;
  /** Faults for the requests under `pathPrefix` (or all); `null` clears them. */
  setFaults(spec: FaultSpec | null): Promise<void>;
  /** Answers outside docsync's contract, as a real service might (`{}` clears them). */
  setQuirks(quirks: Quirks): Promise<void>;
  /** Signs in to KooDrive as the demo user and answers a fresh token. */
  koodriveToken(): Promise<string>;
}

/** Makes a fresh local cloud's data folder in the home, where the shells keep it. */
export async function seedLocalCloud(home: string): Promise<LocalCloudSeed> {
  const cloud = await startSandbox({ dataDir: join(home, "sandbox"), port: 0 });
  try {
    const { appId, appKey, scriptsAccessToken, koodriveUser, controlToken } = cloud;
    return { appId, appKey, scriptsAccessToken, koodriveUser, controlToken };
  } finally {
    await cloud.close();
  }
}

async function control<T>(url: string, token: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: token },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as T & { code: number; msg?: string };
  if (!response.ok || answer.code !== 0)
    throw new Error(`${url} answered ${response.status}: ${answer.msg ?? "no message"}`);
  return answer;
}

export function localCloudAt(url: string, seed: LocalCloudSeed): LocalCloud {
  return {
    ...seed,
    url,
    async setFaults(spec) {
      await control(`${url}/__sandbox/faults`, seed.controlToken, spec);
    },
    async setQuirks(quirks) {
      await control(`${url}/__sandbox/quirks`, seed.controlToken, quirks);
    },
    async koodriveToken() {
      const { name, password } = seed.koodriveUser;
      const { token } = await control<{ token: string }>(
        `${url}/__sandbox/koodrive/login`,
        seed.controlToken,
        {
          name,
          password,
        },
      );
      return token;
    },
  };
}
