/**
 * The local cloud's test controls, over HTTP as a separate process would use them: faults and
 * request counts. Every control call of the model tests goes through here.
 */
import { CONTROL_TOKEN_HEADER } from "../../sandbox/control-access.ts";
import type { FaultSpec, Sandbox } from "../../sandbox/server.ts";

type Cloud = Pick<Sandbox, "url" | "controlToken">;

async function control(cloud: Cloud, method: "GET" | "POST", path: string, body?: unknown) {
  const headers: Record<string, string> = { [CONTROL_TOKEN_HEADER]: cloud.controlToken };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${cloud.url}/__sandbox/${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as { code: number; msg?: string; data: unknown };
  if (answer.code !== 0)
    throw new Error(`the local cloud refused ${method} ${path}: ${answer.msg ?? response.status}`);
  return answer.data;
}

/** Turns faults on (`errors`, `drops` shares), or off with null. */
export async function setFaults(cloud: Cloud, spec: FaultSpec | null): Promise<void> {
  await control(cloud, "POST", "faults", spec);
}

/** Requests received per endpoint since the start ("POST /api/v1/openapi/appspace/files/upload"). */
export async function requestCounts(cloud: Cloud): Promise<Record<string, number>> {
  return (await control(cloud, "GET", "stats")) as Record<string, number>;
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
