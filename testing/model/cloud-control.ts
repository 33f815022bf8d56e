/**
 * The local cloud's test controls, over HTTP as a separate process would use them: faults and
 * request counts. Every control call of the model tests goes through here.
 */
import type { FaultSpec } from "../../sandbox/server.ts";

async function control(baseUrl: string, method: "GET" | "POST", path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}/__sandbox/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as { code: number; msg?: string; data: unknown };
  if (answer.code !== 0)
    throw new Error(`the local cloud refused ${method} ${path}: ${answer.msg ?? response.status}`);
  return answer.data;
}

/** Turns faults on (`errors`, `drops` shares), or off with null. */
export async function setFaults(baseUrl: string, spec: FaultSpec | null): Promise<void> {
  await control(baseUrl, "POST", "faults", spec);
}

/** Requests received per endpoint since the start ("POST /api/v1/openapi/appspace/files/upload"). */
export async function requestCounts(baseUrl: string): Promise<Record<string, number>> {
  return (await control(baseUrl, "GET", "stats")) as Record<string, number>;
}

/** Endpoints that only read: listings, details, task and job status, sign-in. */
const READS = /^GET |\/files\/:type$|\/detail$|\/taskDetail$|\/login$/;

/** Requests that change something in the cloud (uploads, folders, renames, moves, deletes). */
export function writesOf(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([key, n]) => n > 0 && !READS.test(key)));
}

/** The writes between two counts, by endpoint. */
export function writesBetween(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(writesOf(after))) {
    const delta = n - (before[key] ?? 0);
    if (delta > 0) out[key] = delta;
  }
  return out;
}
