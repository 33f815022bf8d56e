/**
 * The xfyun gateway's HMAC check (section 2 of the API contract). A failure answers the way the
 * vendor's gateway does: an HTTP status with a `message` and no `code`.
 *
 * The gateway is Kong's HMAC plugin, so it takes every form of `authorization` the vendor's auth
 * guide and demos send: with or without a leading `hmac ` scheme word, the key as `api_key="…"` or
 * Kong's `username="…"`, with or without a space after each comma. The signing string is built from
 * the headers the `headers` parameter lists, in its order.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const MAX_DATE_SKEW_MS = 300_000;
/** The headers every signature must cover; the vendor's pages list exactly these. */
const REQUIRED_HEADERS = ["host", "date", "request-line"];

export interface SignedRequest {
  method: string;
  /** Path and query exactly as on the request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export type SignatureCheck = { ok: true } | { ok: false; status: 401 | 403; message: string };

export function verifyOstSignature(
  request: SignedRequest,
  credentials: { apiKey: string; apiSecret: string },
  now: number,
): SignatureCheck {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const authorization = header("authorization");
  if (!authorization) return { ok: false, status: 401, message: "Unauthorized" };
  const params = parseAuthorization(authorization);
  if (!params) return { ok: false, status: 401, message: "HMAC signature cannot be verified" };
  const signed = (params.headers ?? "").split(" ").filter((name) => name !== "");
  if (params.algorithm !== "hmac-sha256" || REQUIRED_HEADERS.some((name) => !signed.includes(name))) {
    return {
      ok: false,
      status: 401,
      message: `HMAC signature cannot be verified: expected algorithm="hmac-sha256", headers="host date request-line digest"`,
    };
  }
  const date = header("date");
  const dateMs = date ? Date.parse(date) : Number.NaN;
  if (!date || Number.isNaN(dateMs) || Math.abs(now - dateMs) > MAX_DATE_SKEW_MS) {
    return {
      ok: false,
      status: 403,
      message:
        "HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication" +
        (date && !Number.isNaN(dateMs) ? ` (date is ${Math.round((dateMs - now) / 1000)} s off)` : ""),
    };
  }
  const lines: string[] = [];
  for (const name of signed) {
    if (name === "request-line") {
      lines.push(`${request.method} ${request.url} HTTP/1.1`);
      continue;
    }
    const value = header(name);
    if (value === undefined) return { ok: false, status: 401, message: "HMAC signature cannot be verified" };
    lines.push(`${name}: ${value}`);
  }
  if (params.key !== credentials.apiKey) {
    return { ok: false, status: 401, message: "HMAC signature does not match" };
  }
  const expected = createHmac("sha256", credentials.apiSecret).update(lines.join("\n")).digest();
  const given = Buffer.from(params.signature, "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 401, message: "HMAC signature does not match" };
  }
  return { ok: true };
}

interface AuthorizationParams {
  key: string;
  signature: string;
  algorithm?: string;
  headers?: string;
}

/** `[hmac ]name="value"[, ]name="value"…`; null when it is not that shape or lacks the key or signature. */
export function parseAuthorization(value: string): AuthorizationParams | null {
  const text = value.trim().replace(/^hmac\s+/i, "");
  const params: Record<string, string> = {};
  const pattern = /\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = pattern.exec(text)) !== null) {
    params[match[1] as string] = match[2] as string;
    end = pattern.lastIndex;
    if (end === text.length) break;
  }
  const key = params.api_key ?? params.username;
  if (end !== text.length || !key || !params.signature) return null;
  return {
    key,
    signature: params.signature,
    ...(params.algorithm !== undefined ? { algorithm: params.algorithm } : {}),
    ...(params.headers !== undefined ? { headers: params.headers } : {}),
  };
}
