/**
 * Who may talk to the web shell: only pages it served itself (Host and Origin are its own address,
 * which also defeats DNS rebinding) that carry its random token (in the URL, a header or the cookie
 * set when the page was opened with it).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";

export const TOKEN_HEADER = "x-docsync-token";

export function newAccessToken(): string {
  return randomBytes(24).toString("base64url");
}

/** One cookie per port, so two instances on the same machine do not overwrite each other's. */
export function cookieName(port: number): string {
  return `docsync-${port}`;
}

export interface RequestFacts {
  host: string | undefined;
  origin: string | undefined;
  /** The token found in the query string, the header or the cookie, if any. */
  presented: (string | undefined)[];
}

export type AccessVerdict = { ok: true } | { ok: false; reason: string };

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function checkAccess(facts: RequestFacts, token: string, port: number): AccessVerdict {
  const hosts = ownHosts(port);
  if (!facts.host || !hosts.includes(facts.host.toLowerCase())) return { ok: false, reason: "foreign host" };
  if (facts.origin !== undefined && !hosts.some((host) => facts.origin === `http://${host}`)) {
    return { ok: false, reason: "foreign origin" };
  }
  if (!facts.presented.some((candidate) => candidate !== undefined && sameSecret(candidate, token))) {
    return { ok: false, reason: "missing or wrong token" };
  }
  return { ok: true };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The facts of a raw request (HTTP or WebSocket upgrade). */
export function requestFacts(
  url: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  port: number,
): RequestFacts {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const query = new URL(url ?? "/", "http://127.0.0.1").searchParams.get("token") ?? undefined;
  return {
    host: first(headers.host),
    origin: first(headers.origin),
    presented: [query, first(headers[TOKEN_HEADER]), readCookie(first(headers.cookie), cookieName(port))],
  };
}
