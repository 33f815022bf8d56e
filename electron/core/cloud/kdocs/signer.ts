/** The WPS-2 request signature of the KDocs Open Platform (contract section 1.1). */
import { createHash } from "node:crypto";

export interface SignInput {
  appId: string;
  appKey: string;
  /** Lowercase hex MD5 of the body sent, or of the request URI for a request without one. */
  contentMd5: string;
  contentType: string;
  /** RFC 1123, GMT. */
  date: string;
}

export function wps2Signature(appKey: string, contentMd5: string, contentType: string, date: string): string {
  return createHash("sha1")
    .update(appKey + contentMd5 + contentType + date)
    .digest("hex");
}

/** The four headers every appspace request carries. */
export function wps2Headers(input: SignInput): Record<string, string> {
  const signature = wps2Signature(input.appKey, input.contentMd5, input.contentType, input.date);
  return {
    Date: input.date,
    "Content-Type": input.contentType,
    "Content-Md5": input.contentMd5,
    Authorization: `WPS-2:${input.appId}:${signature}`,
  };
}

/** `Wed, 23 Jan 2013 06:43:08 GMT`. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

export function md5Hex(data: Uint8Array | string): string {
  return createHash("md5").update(data).digest("hex");
}

/** The MD5 of nothing, which the vendor's bodiless examples sign. */
export const EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";

/** What a request without a body signs: the path and query exactly as they go on the wire. */
export function requestUriMd5(url: URL): string {
  return md5Hex(url.pathname + url.search);
}
