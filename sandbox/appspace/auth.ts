/** Checks the WPS-2 headers of a request; every refusal carries a hint that says what to fix. */
import type { IncomingHttpHeaders } from "node:http";
import { badDate, invalidSignature, unknownApp } from "./errors.ts";
import { parseAuthorization, parseHttpDate, wps2Signature } from "./signature.ts";

export const MAX_DATE_SKEW_MS = 15 * 60 * 1000;

export interface AppCredentials {
  appId: string;
  appKey: string;
}

export interface SignedRequest {
  appId: string;
  /** The Content-Md5 header as sent; the caller checks it against the body or URI. */
  claimedMd5: string;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Everything that can be checked before the body has been read. */
export function verifySignedHeaders(
  headers: IncomingHttpHeaders,
  app: AppCredentials,
  nowMs: number,
): SignedRequest {
  const rawAuthorization = header(headers, "authorization");
  const auth = parseAuthorization(rawAuthorization);
  if (!auth) {
    throw invalidSignature(
      rawAuthorization === undefined ? "Authorization header missing" : "Authorization header malformed",
      "send Authorization: WPS-2:<app_id>:<lowercase hex SHA-1 of app_key + Content-Md5 + Content-Type + Date>",
    );
  }
  if (auth.appId !== app.appId) {
    throw unknownApp(
      `unknown app_id "${auth.appId}"`,
      "the app_id in Authorization is not registered here; check the app credentials of this account",
    );
  }
  const date = header(headers, "date");
  const dateMs = parseHttpDate(date);
  if (dateMs === null) {
    throw badDate(
      date === undefined ? "Date header missing" : `Date header "${date}" is not an RFC 1123 GMT date`,
      `send Date like "${new Date(nowMs).toUTCString()}" (RFC 1123, GMT)`,
    );
  }
  const skewMs = dateMs - nowMs;
  if (Math.abs(skewMs) > MAX_DATE_SKEW_MS) {
    const seconds = Math.round(Math.abs(skewMs) / 1000);
    throw badDate(
      `Date is ${seconds} s ${skewMs < 0 ? "behind" : "ahead of"} the server clock`,
      `the server time is ${new Date(nowMs).toUTCString()} and accepts at most ${MAX_DATE_SKEW_MS / 1000} s of skew; ` +
        "check the clock of the sending machine",
    );
  }
  const claimedMd5 = header(headers, "content-md5");
  if (claimedMd5 === undefined) {
    throw invalidSignature(
      "Content-Md5 header missing",
      "send Content-Md5: the lowercase hex MD5 of the body, or of the request URI (path and ?query) for a GET",
    );
  }
  const contentType = header(headers, "content-type") ?? "";
  const expected = wps2Signature(app.appKey, claimedMd5, contentType, date!);
  if (expected !== auth.signature) {
    throw invalidSignature(
      "signature does not match",
      `the server computed SHA-1 of app_key + Content-Md5 "${claimedMd5}" + Content-Type "${contentType}" + ` +
        `Date "${date}"; sign exactly these header values with the app_key of app_id "${auth.appId}"`,
    );
  }
  return { appId: auth.appId, claimedMd5 };
}

/** `what` names what was hashed, e.g. `the body` or `the request URI "/path?x=1"`. */
export function verifyContentMd5(claimedMd5: string, actualMd5: string, what: string): void {
  if (claimedMd5 === actualMd5) return;
  const lowercaseHint =
    claimedMd5.toLowerCase() === actualMd5
      ? "; Content-Md5 must be lowercase hex"
      : "; hash the exact bytes sent";
  throw invalidSignature(
    "Content-Md5 does not match the request",
    `Content-Md5 is "${claimedMd5}" but the MD5 of ${what} as the server received it is "${actualMd5}"${lowercaseHint}`,
  );
}
