/**
 * The two ways a cloud client talks HTTP: small requests through `fetch` (injectable for tests), and
 * large streamed bodies through node:http with a known Content-Length, so a file never sits in
 * memory whole. Both turn network failures into transient CloudErrors and the caller's abort into
 * "cancelled".
 */
import http from "node:http";
import https from "node:https";
import { CloudError } from "../errors.ts";
import { cancelled } from "./retry.ts";
import { requestHooks } from "./request-hooks.ts";

export interface HttpResponse {
  status: number;
  /** Header names in lowercase. */
  headers: Headers;
  body: Buffer;
}

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface FetchRequest {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
}

/** One request through `fetch`, with a deadline covering the answer and its body. */
export async function fetchBytes(
  fetchImpl: FetchLike,
  url: URL,
  request: FetchRequest,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<HttpResponse> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const response = await fetchImpl(url, {
      method: request.method,
      headers: request.headers,
      body: request.body as BodyInit | undefined,
      signal,
      redirect: "manual",
    });
    const body = Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    if (options.signal?.aborted) throw cancelled(options.signal);
    if (deadline.aborted) throw timedOut(url, options.timeoutMs, error);
    throw networkError(url, error);
  }
}

export interface StreamingRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  contentLength: number;
  /** Exactly `contentLength` bytes. Each chunk must stay untouched once yielded. */
  body: AsyncIterable<Uint8Array>;
  /** The request fails as transient when no byte moves either way for this long. */
  idleTimeoutMs: number;
  signal?: AbortSignal;
  agent?: http.Agent;
  /** How much body may queue ahead of the socket: a few large chunks keep it from running dry. */
  highWaterMark?: number;
  /** Bytes of the body handed to the socket so far. */
  onSent?: (bytes: number) => void;
  /** A chunk the socket no longer needs: its memory may be reused. */
  onFlushed?: (chunk: Uint8Array) => void;
}

/** Sends a streamed body and collects the (small) answer. */
export function sendStreaming(request: StreamingRequest): Promise<HttpResponse> {
  const { url, signal } = request;
  if (signal?.aborted) return Promise.reject(cancelled(signal));
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    let answered = false;
    let bodySent = false;
    const settle = (error: unknown, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (response) resolve(response);
      else reject(error);
    };
    const onAbort = () => {
      const error = cancelled(signal);
      req.destroy(error);
      settle(error);
    };
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.request(url, {
      method: request.method,
      headers: { ...request.headers, "Content-Length": String(request.contentLength) },
      agent: request.agent,
      ...(request.highWaterMark ? { highWaterMark: request.highWaterMark } : {}),
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    req.setTimeout(request.idleTimeoutMs, () => {
      const error = timedOut(url, request.idleTimeoutMs);
      req.destroy(error);
      settle(error);
    });
    req.on("error", (error) => {
      // A server may answer early (a refused signature) and close while the body is still going.
      if (!answered) settle(error instanceof CloudError ? error : networkError(url, error));
    });
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => settle(networkError(url, error)));
      res.on("close", () => {
        if (!res.complete) settle(networkError(url, new Error("the answer was cut off")));
      });
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
        }
        settle(undefined, { status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        // An early answer leaves the body half sent: this connection cannot carry another request.
        if (!bodySent) req.destroy();
      });
    });
    writeBody(req, request).then(
      () => {
        bodySent = true;
        if (!req.destroyed) req.end();
      },
      (error: unknown) => {
        if (answered) return;
        const failure = error instanceof CloudError ? error : networkError(url, error);
        req.destroy(failure);
        settle(failure);
      },
    );
  });
}

async function writeBody(req: http.ClientRequest, request: StreamingRequest): Promise<void> {
  let sent = 0;
  const { pace } = requestHooks();
  for await (const chunk of request.body) {
    if (req.destroyed) return;
    // Paced in small steps: under a low cap bytes keep moving, well within the idle timeout.
    const step = pace ? PACE_STEP : Math.max(1, chunk.byteLength);
    for (let offset = 0; offset < chunk.byteLength; offset += step) {
      const last = offset + step >= chunk.byteLength;
      const piece = offset === 0 && last ? chunk : chunk.subarray(offset, offset + step);
      if (pace) {
        await pace(piece.byteLength, request.signal);
        if (req.destroyed) return;
      }
      // The chunk's memory may be reused once its last piece left.
      const flushed = last ? request.onFlushed : undefined;
      const more = flushed ? req.write(piece, (error) => error || flushed(chunk)) : req.write(piece);
      if (!more) await waitForDrain(req);
      sent += piece.byteLength;
      request.onSent?.(sent);
    }
  }
}

/** The most bytes of a body that go on the wire per step of the bandwidth cap. */
const PACE_STEP = 64 * 1024;

function waitForDrain(req: http.ClientRequest): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      req.off("drain", done);
      req.off("close", closed);
      resolve();
    };
    const closed = () => {
      req.off("drain", done);
      req.off("close", closed);
      reject(new Error("the connection closed while sending"));
    };
    req.on("drain", done);
    req.on("close", closed);
  });
}

/** Failures where the request may or may not have reached the server. */
const unanswered = new WeakSet<CloudError>();

export function isNetworkFailure(error: unknown): boolean {
  return error instanceof CloudError && unanswered.has(error);
}

function timedOut(url: URL, ms: number, cause?: unknown): CloudError {
  const error = new CloudError("transient", `No answer from ${url.host} within ${Math.round(ms / 1000)} s.`, {
    cause,
  });
  unanswered.add(error);
  return error;
}

/** Any failure below HTTP (reset, refused, hang-up, DNS) is worth another try. */
export function networkError(url: URL, error: unknown): CloudError {
  if (error instanceof CloudError) return error;
  const cause = (error as { cause?: unknown })?.cause ?? error;
  const code = (cause as { code?: unknown })?.code;
  const detail =
    typeof code === "string" ? code : cause instanceof Error ? cause.message : String(cause ?? error);
  const failure = new CloudError("transient", `The connection to ${url.host} failed (${detail}).`, {
    cause: error,
  });
  unanswered.add(failure);
  return failure;
}
