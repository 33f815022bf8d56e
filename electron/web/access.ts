/**
 * Who may talk to the web shell: only pages it served itself (Host and Origin are its own address,
 * which also defeats DNS rebinding) that carry its random token in a header or the event socket's
 * protocol, or, for the printed address itself, in the query. A page's own files load under the
 * page's key instead (/p/KEY/…), which opens nothing else. No cookie: other servers on 127.0.0.1
 * would receive it. Nothing here throws, whatever the request looks like.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { PAGE_PATH, TOKEN_HEADER, TOKEN_PROTOCOL_PREFIX } from "../../shared/web-access.ts";

/** 192 bits. */
export function newAccessToken(): string {
  return randomBytes(24).toString("base64url");
}

/** The keys of the pages served so far; the oldest are forgotten past `limit` (their tab then needs the printed address). */
export interface PageKeys {
  issue(): string;
  knows(key: string): boolean;
}

export function createPageKeys(limit = 64): PageKeys {
  const keys: string[] = [];
  return {
    issue() {
      const key = randomBytes(16).toString("base64url");
      keys.push(key);
      if (keys.length > limit) keys.shift();
      return key;
    },
    knows: (key) => keys.some((known) => sameSecret(known, key)),
  };
}

export interface RequestFacts {
  host: string | undefined;
  origin: string | undefined;
  /** The path of an origin-form target ("/a/b", without the query); undefined for any other target. */
  path: string | undefined;
  /** The tokens the request presents. */
  presented: string[];
  /** The key of a /p/KEY/… path. */
  pageKey: string | undefined;
}

export type AccessVerdict = { ok: true; via: "token" | "page" } | { ok: false; reason: string };

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** The page itself, the one place a token in the query is taken (it is the printed address). */
const isPagePath = (path: string) => path === "/" || path === "/index.html";

export function checkAccess(
  facts: RequestFacts,
  method: string | undefined,
  token: string,
  pages: PageKeys,
  port: number,
): AccessVerdict {
  const hosts = ownHosts(port);
  if (!facts.host || !hosts.includes(facts.host.toLowerCase())) return { ok: false, reason: "foreign host" };
  if (facts.origin !== undefined && !hosts.some((host) => facts.origin === `http://${host}`)) {
    return { ok: false, reason: "foreign origin" };
  }
  if (facts.path === undefined) return { ok: false, reason: "not a path" };
  if (facts.presented.some((candidate) => sameSecret(candidate, token))) return { ok: true, via: "token" };
  if (facts.pageKey !== undefined && (method === "GET" || method === "HEAD") && pages.knows(facts.pageKey)) {
    return { ok: true, via: "page" };
  }
  return { ok: false, reason: "missing or wrong token" };
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;

/** The token offered as an event-socket protocol, if any. */
function protocolToken(header: string | undefined): string | undefined {
  for (const offered of (header ?? "").split(",")) {
    const name = offered.trim();
    if (name.startsWith(TOKEN_PROTOCOL_PREFIX)) return name.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}

/** The facts of a raw request (HTTP or WebSocket upgrade), read without trusting any of it. */
export function requestFacts(
  target: string | undefined,
  headers: Record<string, string | string[] | undefined>,
): RequestFacts {
  const raw = target ?? "";
  const query = raw.indexOf("?");
  const path =
    raw.startsWith("/") && !raw.startsWith("//") ? (query < 0 ? raw : raw.slice(0, query)) : undefined;
  const presented: string[] = [];
  const header = single(headers[TOKEN_HEADER]);
  if (header) presented.push(header);
  const offered = protocolToken(single(headers["sec-websocket-protocol"]));
  if (offered) presented.push(offered);
  if (path !== undefined && isPagePath(path) && query >= 0) {
    const fromQuery = new URLSearchParams(raw.slice(query + 1)).get("token");
    if (fromQuery) presented.push(fromQuery);
  }
  return {
    // A repeated Host or Origin is no one's own address.
    host: single(headers.host),
    origin: Array.isArray(headers.origin) ? "(repeated)" : headers.origin,
    path,
    presented,
    pageKey: path === undefined ? undefined : PAGE_PATH.exec(path)?.[1],
  };
}
