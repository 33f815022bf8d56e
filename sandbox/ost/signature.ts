/**
 * The xfyun gateway's HMAC check (section 2 of the API contract). A failure answers the way the
 * vendor's gateway does: an HTTP status with a `message` and no `code`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const MAX_DATE_SKEW_MS = 300_000;
const SIGNED_HEADERS = "host date request-line digest";

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
  if (params.algorithm !== "hmac-sha256" || params.headers !== SIGNED_HEADERS) {
    return {
      ok: false,
      status: 401,
      message: `HMAC signature cannot be verified: expected algorithm="hmac-sha256", headers="${SIGNED_HEADERS}"`,
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
  const host = header("host");
  const digest = header("digest");
  if (!host || !digest) return { ok: false, status: 401, message: "HMAC signature cannot be verified" };
  if (params.api_key !== credentials.apiKey) {
    return { ok: false, status: 401, message: "HMAC signature does not match" };
  }
  const signingString = `host: ${host}\ndate: ${date}\n${request.method} ${request.url} HTTP/1.1\ndigest: ${digest}`;
  const expected = createHmac("sha256", credentials.apiSecret).update(signingString).digest();
  const given = Buffer.from(params.signature ?? "", "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 401, message: "HMAC signature does not match" };
  }
  return { ok: true };
}

function parseAuthorization(value: string): Record<string, string> | null {
  const params: Record<string, string> = {};
  const pattern = /\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  let end = 0;
  while ((match = pattern.exec(value)) !== null) {
    params[match[1] as string] = match[2] as string;
    end = pattern.lastIndex;
    if (end === value.length) break;
  }
  if (end !== value.length || !params.api_key || !params.signature) return null;
  return params;
}
