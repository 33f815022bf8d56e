/** WPS-2 request signatures (section 1.1 of the contract). */
import { createHash } from "node:crypto";

export const EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";

export function md5Hex(data: string | Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

export function wps2Signature(appKey: string, contentMd5: string, contentType: string, date: string): string {
  return createHash("sha1")
    .update(appKey + contentMd5 + contentType + date)
    .digest("hex");
}

export interface Authorization {
  appId: string;
  signature: string;
}

/** `WPS-2:<app_id>:<40 hex>`; anything else is null. */
export function parseAuthorization(header: string | undefined): Authorization | null {
  const match = /^WPS-2:([^:\s]+):([0-9a-f]{40})$/.exec(header?.trim() ?? "");
  if (!match) return null;
  return { appId: match[1]!, signature: match[2]! };
}

/** RFC 1123 in GMT, or in UTC as Go's `time.RFC1123` writes it: the same zone. */
const RFC1123 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC)$/;

/** Milliseconds since the epoch, or null when the value is not an RFC 1123 date in GMT (or UTC). */
export function parseHttpDate(value: string | undefined): number | null {
  if (value === undefined || !RFC1123.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
