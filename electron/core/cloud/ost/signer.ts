/** The xfyun request signature every OST call carries (section 2 of the API contract). */
import { createHash, createHmac } from "node:crypto";

export interface OstCredentials {
  appId: string;
  apiKey: string;
  apiSecret: string;
}

/** `digest` header for a body: `SHA-256=` + base64 of its SHA-256. */
export function ostDigest(body: string | Uint8Array): string {
  return `SHA-256=${createHash("sha256").update(body).digest("base64")}`;
}

/**
 * What the vendor's upload demo sends for multipart calls: the server signs over the digest header
 * and does not compare it with the body, so a slice is never read twice just to hash it.
 */
export const EMPTY_BODY_DIGEST = ostDigest("");

/** The `host`, `date`, `digest` and `authorization` headers for one request. */
export function signOstRequest(input: {
  method: string;
  /** The full request URL; its host and path (with query) are signed. */
  url: URL;
  /** RFC 1123, e.g. `new Date().toUTCString()`. */
  date: string;
  digest: string;
  apiKey: string;
  apiSecret: string;
}): Record<"host" | "date" | "digest" | "authorization", string> {
  const host = input.url.host;
  const requestLine = `${input.method} ${input.url.pathname}${input.url.search} HTTP/1.1`;
  const signingString = `host: ${host}\ndate: ${input.date}\n${requestLine}\ndigest: ${input.digest}`;
  const signature = createHmac("sha256", input.apiSecret).update(signingString).digest("base64");
  return {
    host,
    date: input.date,
    digest: input.digest,
    authorization: `api_key="${input.apiKey}", algorithm="hmac-sha256", headers="host date request-line digest", signature="${signature}"`,
  };
}
