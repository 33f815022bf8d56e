/**
 * The KDocs script calls of the personal space (contract section 4): start a script on a document,
 * then poll its status. They carry a user `access_token` in the query instead of a WPS-2 signature.
 * The shapes the vendor's pages leave open ([ours]: the refused-token code, errors on the status
 * endpoint, the meaning of `error`) are kept in this file, beside the calls.
 *
 * The status endpoint hands out each log line once: an answer lost on the way takes its lines with
 * it, and asking again cannot bring them back. So these calls are retried only after an answer
 * that says the server failed (it handed out nothing); a failure where the request may have
 * reached the server goes to the caller, which knows whether that can cost log lines.
 */
import { z } from "zod";
import { CloudError } from "../errors.ts";
import { HttpEndpoint, jsonOf, type EndpointOptions } from "../http/endpoint.ts";
import type { HttpResponse } from "../http/transport.ts";
import { known } from "../notices.ts";
import { API_PREFIX, envelope, errorFromEnvelope, errorFromStatus } from "./adapter.ts";

/** A refused user token: missing, unknown or expired [ours]. */
export const ACCESS_TOKEN_REFUSED = 30006;

export interface ScriptClientOptions extends EndpointOptions {
  accessToken: string;
  /**
   * A status call with no answer for this long is given up, which can cost log lines: generous by
   * default, since a slow answer is better than a lost one.
   */
  timeoutMs?: number;
}

export interface ScriptLogLine {
  level: string;
  /** The logged values, joined by spaces. */
  text: string;
  /** ms since epoch. */
  time: number;
  /** "test.ks:3:1", or "system" for the server's own lines. */
  source: string;
}

export interface ScriptStatus {
  /** A status word the contract does not know counts as running: the script is waiting for the service. */
  state: "running" | "finished";
  /** That word, when the service answered one the contract does not know. */
  unknownStatus?: string;
  /** The log lines not returned by an earlier poll. */
  logs: ScriptLogLine[];
  /** The value of the script's last statement, once finished ("[Undefined]" when it has none). */
  result: string;
  /** Why the script failed; only once finished. */
  error?: string;
}

/** The time of a line: `unix_time` in seconds, refined by the milliseconds of `timestamp` when they agree. */
function lineTime(unixTime: number, timestamp: string | null | undefined): number {
  const base = Math.floor(unixTime) * 1000;
  const clock = /(\d{2})\.(\d{3})$/.exec(timestamp ?? "");
  if (clock && Number(clock[1]) === Math.floor(unixTime) % 60) return base + Number(clock[2]);
  return base;
}

const shown = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

const logLine = z
  .object({
    args: z.array(z.unknown()).nullish(),
    filename: z.string().nullish(),
    level: z.string().nullish(),
    unix_time: z.number(),
    timestamp: z.string().nullish(),
  })
  .transform((line): ScriptLogLine => ({
    level: line.level || "info",
    text: (line.args ?? []).map(shown).join(" "),
    time: lineTime(line.unix_time, line.timestamp),
    source: line.filename ?? "",
  }));

/**
 * The status answer [doc]: `error`, `status` and `data` at the top level. The field table also lists
 * `code`, which the examples leave out: 0 (or none) is a normal answer [doc table vs example]. A
 * status word other than the two known ones keeps the script running, and its log lines count.
 */
const STATUS_WORDS = ["running", "finish"];

const statusAnswer = z
  .object({
    code: z.number().optional(),
    error: z.string().nullish(),
    status: known(z.string(), STATUS_WORDS),
    data: z.object({ logs: z.array(logLine).nullish(), result: z.unknown().optional() }).nullish(),
  })
  .transform((answer): ScriptStatus => {
    const finished = answer.status === "finish";
    const result = answer.data?.result;
    return {
      state: finished ? "finished" : "running",
      ...(STATUS_WORDS.includes(answer.status) ? {} : { unknownStatus: answer.status }),
      logs: answer.data?.logs ?? [],
      result: result === undefined || result === null ? "" : shown(result),
      ...(finished && answer.error ? { error: answer.error } : {}),
    };
  });

const STATUS_CALL = "GET /personal/script/status";

function tokenRefused(said: string | null | undefined): CloudError {
  return new CloudError("credentials", `KDocs refused the user access token${said ? ` (${said})` : ""}`, {
    code: ACCESS_TOKEN_REFUSED,
  });
}

const startAnswer = z.object({ task_id: z.string().min(1) });

const DEFAULT_TIMEOUT_MS = 60_000;

export class KdocsScriptClient {
  readonly #http: HttpEndpoint;
  readonly #token: string;

  constructor(options: ScriptClientOptions) {
    this.#http = new HttpEndpoint(options, { service: "KDocs", timeoutMs: DEFAULT_TIMEOUT_MS });
    if (!options.accessToken) throw new CloudError("needs-config", "Scripts need a user access token.");
    this.#token = options.accessToken;
  }

  /**
   * Starts `script` on the document `fileId` and returns the server's task id. Not retried after an
   * answer that may have been lost: the script may be running already, and a second run would
   * repeat what it does to the document.
   */
  async start(fileId: string, script: string, name?: string, signal?: AbortSignal): Promise<string> {
    const body = Buffer.from(JSON.stringify(name ? { script, script_name: name } : { script }), "utf8");
    const response = await this.#send(
      `/personal/files/${encodeURIComponent(fileId)}/script`,
      "",
      { method: "POST", headers: { "Content-Type": "application/json" }, body },
      signal,
    );
    const data = startAnswer.safeParse(this.#envelopeData(response));
    if (!data.success) throw this.#unexpected("the script start", data.error.message);
    return data.data.task_id;
  }

  /** One status poll: the lines not returned before, and the result once the script has finished. */
  async status(taskId: string, signal?: AbortSignal): Promise<ScriptStatus> {
    // The id goes through encodeURIComponent as the vendor asks, even when it looks encoded already.
    const response = await this.#send(
      "/personal/script/status",
      `&task_id=${encodeURIComponent(taskId)}`,
      { method: "GET", headers: {} },
      signal,
    );
    const json = this.#json(response);
    const code = (json as { code?: unknown } | null)?.code;
    // Failures come in the usual envelope, with a code other than 0.
    if (code !== undefined && code !== 0) this.#envelopeData(response);
    if (response.status !== 200) throw this.#statusFailure(response);
    const parsed = statusAnswer.safeParse(json);
    if (!parsed.success) throw this.#unexpected("a script status", parsed.error.message);
    this.#http.checkShape(STATUS_CALL, statusAnswer, json);
    return parsed.data;
  }

  async #send(
    path: string,
    query: string,
    request: { method: string; headers: Record<string, string>; body?: Uint8Array },
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    const url = this.#http.url(API_PREFIX + path, `?access_token=${encodeURIComponent(this.#token)}${query}`);
    return this.#http.retried(
      async () => {
        const response = await this.#http.fetch(url, request, signal);
        // An answered server fault handed nothing out: worth another try here.
        if (response.status >= 500) throw this.#statusFailure(response);
        return response;
      },
      signal,
      { retryOnlyAnswered: true },
    );
  }

  #json(response: HttpResponse): unknown {
    const json = jsonOf(response);
    if (json === undefined) {
      throw errorFromStatus(
        response.status,
        `KDocs answered HTTP ${response.status} with something other than JSON.`,
        {},
        this.#http.retryAt(response),
      );
    }
    return json;
  }

  /** The `data` of a `{code, msg, data}` envelope, or the CloudError its code means. */
  #envelopeData(response: HttpResponse): unknown {
    const parsed = envelope.safeParse(this.#json(response));
    if (!parsed.success) throw this.#statusFailure(response);
    const { code, msg } = parsed.data;
    if (code === ACCESS_TOKEN_REFUSED) throw tokenRefused(msg);
    if (code !== 0) throw errorFromEnvelope(parsed.data, response.status, this.#http.retryAt(response));
    return parsed.data.data;
  }

  /** An HTTP failure, in the words of its envelope when it has one. */
  #statusFailure(response: HttpResponse): CloudError {
    // Not JSON (a proxy's page): the HTTP status alone speaks.
    const answer = (jsonOf(response) as { code?: unknown; msg?: unknown } | null | undefined) ?? {};
    const said = typeof answer.msg === "string" ? answer.msg : undefined;
    if (answer.code === ACCESS_TOKEN_REFUSED) return tokenRefused(said);
    return errorFromStatus(
      response.status,
      `KDocs answered HTTP ${response.status}${said ? ` (${said})` : ""}.`,
      typeof answer.code === "number" ? { code: answer.code } : {},
      this.#http.retryAt(response),
    );
  }

  #unexpected(what: string, detail: string): CloudError {
    return new CloudError("protocol", `KDocs answered ${what} with an unexpected shape: ${detail}`);
  }
}
