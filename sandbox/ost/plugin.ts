/** The iFlytek OST upload endpoints of the local cloud (section 2 of the API contract). */
import type { FastifyPluginAsync } from "fastify";

export interface OstOptions {
  /** Where staged slices and assembled files live. */
  dataDir: string;
  appId: string;
  apiKey: string;
  apiSecret: string;
  /** The sandbox's clock (ms since epoch), so tests can move time. */
  now: () => number;
  /** The public base URL of the sandbox, for the download URLs `complete` returns. */
  baseUrl: () => string;
}

export function ostPlugin(_options: OstOptions): FastifyPluginAsync {
  return async () => {};
}
