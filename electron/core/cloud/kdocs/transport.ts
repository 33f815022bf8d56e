/**
 * Signed requests to the KDocs application space (contract section 1): every request carries the
 * WPS-2 headers over exactly the bytes sent, every answer is read through its envelope into the
 * call's shape or the CloudError its code means, and what the answer holds beyond the contract is
 * reported as a notice.
 *
 * A request without a body other than GET is signed over its URI, as the outside clients that talk
 * to the real service do. Should the service refuse that, the transport signs the MD5 of the empty
 * body instead (the vendor's bodiless examples show it), once, and says so.
 */
import { CloudError } from "../errors.ts";
import { HttpEndpoint, jsonOf, type EndpointOptions, type RetrySafety } from "../http/endpoint.ts";
import type { HttpResponse, StreamingRequest } from "../http/transport.ts";
import {
  API_PREFIX,
  JSON_TYPE,
  envelope,
  envelopeOf,
  errorFromEnvelope,
  errorFromStatus,
  type ApiCall,
} from "./adapter.ts";
import { EMPTY_MD5, httpDate, md5Hex, requestUriMd5, wps2Headers } from "./signer.ts";

export interface KdocsTransportOptions extends EndpointOptions {
  appId: string;
  appKey: string;
}

/** How a request without a body signs its Content-Md5. */
export type BodilessSigning = "request-uri" | "empty-body";

const DEFAULT_TIMEOUT_MS = 30_000;
const SIGNATURE_REFUSED = 30003;

export class KdocsTransport {
  readonly http: HttpEndpoint;
  readonly #appId: string;
  readonly #appKey: string;
  #bodiless: BodilessSigning = "request-uri";

  constructor(options: KdocsTransportOptions) {
    this.http = new HttpEndpoint(options, {
      service: "KDocs",
      timeoutMs: DEFAULT_TIMEOUT_MS,
      maxSockets: 16,
    });
    this.#appId = options.appId;
    this.#appKey = options.appKey;
  }

  /** How bodiless requests other than GET are signed now. */
  get bodilessSigning(): BodilessSigning {
    return this.#bodiless;
  }

  close(): void {
    this.http.close();
  }

  url(call: ApiCall<unknown>): URL {
    return this.http.url(
      API_PREFIX + call.path,
      call.query ? new URLSearchParams(call.query).toString() : "",
    );
  }

  /** The four WPS-2 headers for a body (or URI) with this MD5. */
  sign(contentMd5: string, contentType: string): Record<string, string> {
    return wps2Headers({
      appId: this.#appId,
      appKey: this.#appKey,
      contentMd5,
      contentType,
      date: httpDate(this.http.now()),
    });
  }

  /** One JSON call, retried as `safety` allows. */
  call<T>(call: ApiCall<T>, signal: AbortSignal | undefined, safety: RetrySafety<T> = {}): Promise<T> {
    const body = call.json === undefined ? undefined : Buffer.from(JSON.stringify(call.json), "utf8");
    return this.http.retried(() => this.#once(call, body, signal), signal, safety);
  }

  /** A streamed body (an upload), read as `call` answers. */
  async stream<T>(call: ApiCall<T>, request: Omit<StreamingRequest, "idleTimeoutMs" | "agent">): Promise<T> {
    return this.interpret(await this.http.send(request), call);
  }

  async #once<T>(call: ApiCall<T>, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<T> {
    const url = this.url(call);
    const variant = this.#bodiless;
    const send = (md5: string) =>
      this.http.fetch(
        url,
        { method: call.method, headers: this.sign(md5, JSON_TYPE), ...(body ? { body } : {}) },
        signal,
      );
    if (body || call.method === "GET") {
      return this.interpret(await send(body ? md5Hex(body) : requestUriMd5(url)), call);
    }
    const response = await send(variant === "request-uri" ? requestUriMd5(url) : EMPTY_MD5);
    if (refusedSignature(response) && variant === this.#bodiless) {
      const other: BodilessSigning = variant === "request-uri" ? "empty-body" : "request-uri";
      const retried = await send(other === "request-uri" ? requestUriMd5(url) : EMPTY_MD5);
      if (!refusedSignature(retried)) {
        this.#bodiless = other;
        this.http.notice(
          call.name,
          "signature-variant",
          "Content-Md5",
          variant === "request-uri"
            ? `a bodiless ${call.method} signed over its request URI (it took the MD5 of the empty body)`
            : `a bodiless ${call.method} signed with the MD5 of the empty body (it took the request URI's)`,
        );
      }
      return this.interpret(retried, call);
    }
    return this.interpret(response, call);
  }

  /** An answer as the call's shape, or the CloudError it stands for. */
  interpret<T>(response: HttpResponse, call: ApiCall<T>): T {
    const { status } = response;
    const now = this.http.now();
    const retryAt = this.http.retryAt(response, now);
    const json = jsonOf(response);
    if (json === undefined) {
      throw errorFromStatus(
        status,
        `KDocs answered HTTP ${status} with something other than JSON.`,
        {},
        retryAt,
      );
    }
    const parsed = envelope.safeParse(json);
    if (!parsed.success) {
      throw errorFromStatus(status, `KDocs answered HTTP ${status} without its envelope.`, {}, retryAt);
    }
    if (parsed.data.code !== 0) throw errorFromEnvelope(parsed.data, status, retryAt, now);
    const data = call.data.safeParse(parsed.data.data);
    if (!data.success) {
      throw new CloudError(
        "protocol",
        `KDocs answered ${call.name} with an unexpected shape: ${data.error.message}`,
      );
    }
    this.http.checkShape(call.name, envelopeOf(call.data), json);
    return data.data;
  }
}

function refusedSignature(response: HttpResponse): boolean {
  return (jsonOf(response) as { code?: unknown } | undefined)?.code === SIGNATURE_REFUSED;
}
