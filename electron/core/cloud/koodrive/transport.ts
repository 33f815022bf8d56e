/**
 * Calls to the KooDrive drive API (docs/koodrive-api.md): the Bearer token on every call (renewed once
 * after a refusal, when the account can), each answer read through its envelope (`code` 0 or "0")
 * into the call's shape or the CloudError it stands for, and what the answer holds beyond the
 * contract reported as a notice.
 */
import { CloudError, isCloudError } from "../errors.ts";
import { HttpEndpoint, jsonOf, type EndpointOptions, type RetrySafety } from "../http/endpoint.ts";
import type { HttpResponse, StreamingRequest } from "../http/transport.ts";
import { API_PREFIX, envelope, errorFromAnswer, isSuccess, type ApiCall } from "./adapter.ts";
import { BearerToken } from "./signer.ts";

export interface KooDriveTransportOptions extends EndpointOptions {
  token: string;
  /** A fresh token when KooDrive refuses the current one (for example a new sign-in). */
  refreshToken?: () => Promise<string>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** The envelope's own fields, beside which every answer puts its own [doc]. */
const ENVELOPE_FIELDS = ["code", "msg"];

export class KooDriveTransport {
  readonly http: HttpEndpoint;
  readonly token: BearerToken;

  constructor(options: KooDriveTransportOptions) {
    this.http = new HttpEndpoint(options, {
      service: "KooDrive",
      timeoutMs: DEFAULT_TIMEOUT_MS,
      maxSockets: 4,
    });
    this.token = new BearerToken({
      token: options.token,
      now: this.http.now,
      ...(options.refreshToken ? { refresh: options.refreshToken } : {}),
    });
  }

  close(): void {
    this.http.close();
  }

  call<T>(call: ApiCall<T>, signal: AbortSignal | undefined, safety: RetrySafety<T> = {}): Promise<T> {
    const body = call.json === undefined ? undefined : Buffer.from(JSON.stringify(call.json), "utf8");
    return this.http.retried(() => this.#once(call, body, signal), signal, safety);
  }

  /** A body streamed to an address that is its own credential (an upload part): no token. */
  async send(request: Omit<StreamingRequest, "idleTimeoutMs" | "agent">): Promise<void> {
    let response: HttpResponse;
    try {
      response = await this.http.send(request);
    } catch (error) {
      throw error instanceof CloudError
        ? error
        : new CloudError("transient", String(error), { cause: error });
    }
    if (response.status >= 200 && response.status < 300) return;
    throw this.#failure(response);
  }

  /** One request; a refused token is renewed (when the account can) and the request sent once more. */
  async #once<T>(call: ApiCall<T>, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<T> {
    let token = await this.token.current();
    for (let renewed = false; ; renewed = true) {
      const response = await this.http.fetch(
        this.http.url(API_PREFIX + call.path),
        {
          method: call.method,
          headers: { ...this.token.headers(token), ...(body ? { "Content-Type": "application/json" } : {}) },
          ...(body ? { body } : {}),
        },
        signal,
      );
      try {
        const result = this.#interpret(response, call);
        this.token.used(token);
        return result;
      } catch (error) {
        if (!renewed && isCloudError(error, "credentials")) {
          const fresh = await this.token.renewAfterRefusal(token);
          if (fresh !== undefined) {
            token = fresh;
            continue;
          }
        }
        // Any answer at all proves the token was still known, except a refusal of it.
        if (!isCloudError(error, "credentials") && response.status < 500) this.token.used(token);
        throw error;
      }
    }
  }

  #interpret<T>(response: HttpResponse, call: ApiCall<T>): T {
    const json = jsonOf(response);
    if (json === undefined) throw this.#failure(response);
    const head = envelope.safeParse(json);
    if (!head.success || !isSuccess(head.data.code) || response.status >= 300)
      throw this.#failure(response, json);
    const data = call.data.safeParse(json);
    if (!data.success) {
      throw new CloudError(
        "protocol",
        `KooDrive answered ${call.method} ${call.path} with an unexpected shape: ${data.error.message}`,
      );
    }
    this.http.checkShape(call.name, call.data, json, ENVELOPE_FIELDS);
    return data.data;
  }

  #failure(response: HttpResponse, json = jsonOf(response)): CloudError {
    const head = envelope.safeParse(json);
    return errorFromAnswer(
      response.status,
      head.success ? head.data.code : undefined,
      head.success ? (head.data.msg ?? undefined) : undefined,
      this.http.retryAt(response),
    );
  }
}
