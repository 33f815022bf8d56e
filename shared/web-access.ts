/**
 * How a page of the web shell proves it may talk to the shell, without a cookie (cookies are shared by
 * every port of 127.0.0.1): the token from the printed address goes in a header on each call and as a
 * WebSocket protocol on the event socket; the interface's own files load under a per-page address.
 */

/** The header that carries the token on API calls and drops. */
export const TOKEN_HEADER = "x-docsync-token";

/** The event socket's protocol; the server answers with it. */
export const EVENTS_PROTOCOL = "docsync.events";

/** The second protocol a page offers on the event socket: this prefix, then the token (browsers cannot set headers there). */
export const TOKEN_PROTOCOL_PREFIX = "docsync.token.";

/** Pages live under /p/KEY/: KEY opens the interface's files (never the API), so a reload works without the token in the address. */
export const PAGE_PATH = /^\/p\/([A-Za-z0-9_-]{22})(\/.*)?$/;
