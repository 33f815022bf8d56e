/**
 * What every cloud client's HTTP shares: a checked http(s) base address, `fetch` for small calls,
 * one keep-alive agent for streamed bodies, the clock, the deadline and the retry policy, and the
 * rule that a retried create never makes a second object.
 */
import http from "node:http";
import https from "node:https";
import type { z } from "zod";
import { CloudError, isCloudError } from "../errors.ts";
import { notice, shapeNotices, type NoticeKind, type NoticeSink } from "../notices.ts";
import { parseRetryAfter, retryPolicy, withRetry, type RetryPolicy } from "./retry.ts";
import {
  fetchBytes,
  isNetworkFailure,
  sendStreaming,
  type FetchLike,
  type FetchRequest,
  type HttpResponse,
  type StreamingRequest,
} from "./transport.ts";

/** The HTTP options every client takes. */
export interface EndpointOptions {
  baseUrl: string;
  /** For the small requests; streamed bodies go through node:http. */
  fetchImpl?: FetchLike;
  /** The clock that dates (and so may sign) each request and reads Retry-After. */
  now?: () => number;
  retry?: Partial<RetryPolicy>;
  /** A request with no answer (for streamed bodies: no byte moving) for this long fails as transient. */
  timeoutMs?: number;
  /** Told what the service answered beyond the contract (unknown words, missing or extra fields). */
  onNotice?: NoticeSink;
}

export interface EndpointDefaults {
  /** The service's name for messages ("KDocs"). */
  service: string;
  timeoutMs: number;
  /** Connections the agent keeps to the service at most. */
  maxSockets?: number;
}

/** How a request may be retried without doing its work twice. */
export interface RetrySafety<T> {
  /** Consulted when a retried request meets a conflict: the earlier attempt's result, if it landed. */
  afterConflictOnRetry?: () => Promise<T | undefined>;
  /** A retried request that meets not-found is done (the earlier attempt did it). */
  notFoundOnRetryIsDone?: boolean;
  /** A lost answer may mean the first attempt ran: do not send it again. */
  retryOnlyAnswered?: boolean;
  /** Codes that are final even though they count as transient. */
  noRetryCodes?: number[];
}

export class HttpEndpoint {
  readonly base: URL;
  readonly now: () => number;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  readonly service: string;
  readonly #fetch: FetchLike;
  readonly #onNotice: NoticeSink | undefined;
  readonly #maxSockets: number | undefined;
  #agent: http.Agent | undefined;

  constructor(options: EndpointOptions, defaults: EndpointDefaults) {
    const base = URL.canParse(options.baseUrl) ? new URL(options.baseUrl) : undefined;
    if (base?.protocol !== "http:" && base?.protocol !== "https:") {
      throw new CloudError(
        "invalid",
        `The ${defaults.service} address must be http or https: ${options.baseUrl}`,
      );
    }
    this.base = base;
    this.now = options.now ?? Date.now;
    this.retry = retryPolicy({ now: this.now, ...options.retry });
    this.timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
    this.#fetch = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.#maxSockets = defaults.maxSockets;
    this.service = defaults.service;
    this.#onNotice = options.onNotice;
  }

  /** Reports the fields of an answer that differ from `schema` (only when someone listens). */
  checkShape(call: string, schema: z.ZodType, answer: unknown, ignore: readonly string[] = []): void {
    if (!this.#onNotice) return;
    for (const found of shapeNotices(schema, answer, { service: this.service, call }, ignore)) {
      this.#onNotice(found);
    }
  }

  /** Reports one thing the service answered beyond the contract. */
  notice(call: string, kind: NoticeKind, field: string, value?: string): void {
    this.#onNotice?.(notice({ service: this.service, call }, kind, field, value));
  }

  /** `path` below the base address's own path, with `search` as the query (none by default). */
  url(path: string, search = ""): URL {
    const url = new URL(this.base);
    url.pathname = `${this.base.pathname.replace(/\/+$/, "")}${path}`;
    url.search = search;
    return url;
  }

  /** One small request through `fetch`, within the deadline. */
  fetch(url: URL, request: FetchRequest, signal?: AbortSignal): Promise<HttpResponse> {
    return fetchBytes(this.#fetch, url, request, {
      timeoutMs: this.timeoutMs,
      ...(signal ? { signal } : {}),
    });
  }

  /** One streamed body through the keep-alive agent, failing when no byte moves within the deadline. */
  send(request: Omit<StreamingRequest, "idleTimeoutMs" | "agent">): Promise<HttpResponse> {
    return sendStreaming({ ...request, idleTimeoutMs: this.timeoutMs, agent: this.#keepAlive() });
  }

  /** Runs `attempt` with the retry policy; `safety` keeps a retry from doing the work twice. */
  retried<T>(attempt: () => Promise<T>, signal?: AbortSignal, safety: RetrySafety<T> = {}): Promise<T> {
    return withRetry(
      async ({ attempt: number }) => {
        try {
          return await attempt();
        } catch (error) {
          if (number > 1 && isCloudError(error, "conflict") && safety.afterConflictOnRetry) {
            const landed = await safety.afterConflictOnRetry();
            if (landed !== undefined) return landed;
          }
          if (number > 1 && isCloudError(error, "not-found") && safety.notFoundOnRetryIsDone) {
            return undefined as T;
          }
          throw error;
        }
      },
      this.retry,
      signal,
      (error) =>
        !(safety.retryOnlyAnswered && isNetworkFailure(error)) &&
        !(error.code !== undefined && safety.noRetryCodes?.includes(error.code)),
    );
  }

  /** When the answer's Retry-After says to come back, if it says so. */
  retryAt(response: HttpResponse, now = this.now()): number | undefined {
    return parseRetryAfter(response.headers, now);
  }

  /** Releases idle connections. */
  close(): void {
    this.#agent?.destroy();
  }

  #keepAlive(): http.Agent {
    if (!this.#agent) {
      const Agent = this.base.protocol === "https:" ? https.Agent : http.Agent;
      this.#agent = new Agent({
        keepAlive: true,
        ...(this.#maxSockets ? { maxSockets: this.#maxSockets } : {}),
      });
    }
    return this.#agent;
  }
}

/** The body as JSON; undefined when it is not JSON. */
export function jsonOf(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString("utf8"));
  } catch {
    return undefined;
  }
}
