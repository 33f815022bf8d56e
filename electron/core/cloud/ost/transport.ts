/**
 * Signed HTTP calls to OST over the shared transports. Every failure becomes a CloudError: the
 * caller decides what to retry by `kind`, never by a socket error name or an HTTP status.
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { CloudError } from "../errors.ts";
import { HttpEndpoint } from "../http/endpoint.ts";
import { parseRetryAfter } from "../http/retry.ts";
import type { HttpResponse } from "../http/transport.ts";
import type { NoticeSink } from "../notices.ts";
import { errorFromAnswer, isTicketCode, type OstAnswer, type OstCall } from "./adapter.ts";
import { EMPTY_BODY_DIGEST, ostDigest, signOstRequest, type OstCredentials } from "./signer.ts";

export interface OstTransportOptions extends OstCredentials {
  baseUrl: string;
  /** A JSON call without an answer, or an upload with no byte moving, for this long fails as transient. */
  timeoutMs?: number;
  /** Clock for the signed `date` header. */
  now?: () => number;
  onNotice?: NoticeSink;
}

/** The bytes of one file part: a range of a local file, read as a stream. */
export interface FilePart {
  path: string;
  start: number;
  /** Exclusive. */
  end: number;
  filename: string;
  /** Called with each chunk's length as it is read for sending. */
  onBytes?: (bytes: number) => void;
  /** Called before each attempt sends the part: what was counted of an earlier attempt is void. */
  onRetry?: () => void;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const READ_CHUNK = 1024 * 1024;

export class OstTransport {
  private readonly options: OstTransportOptions;
  private readonly http: HttpEndpoint;

  constructor(options: OstTransportOptions) {
    this.options = options;
    this.http = new HttpEndpoint(options, { service: "OST", timeoutMs: DEFAULT_TIMEOUT_MS });
  }

  close() {
    this.http.close();
  }

  /** The answer of `call` as its caller needs it, or the CloudError its code means. */
  read<T>(call: OstCall<T>, answer: OstAnswer): T {
    if (answer.code !== 0) throw errorFromAnswer(call.path, answer, this.http.now());
    const parsed = call.answer.safeParse(answer);
    if (!parsed.success) {
      throw new CloudError(
        "protocol",
        `OST ${call.path} answered an unexpected shape: ${parsed.error.message}`,
      );
    }
    this.http.checkShape(`POST ${call.path}`, call.answer, answer);
    return parsed.data;
  }

  async postJson(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<OstAnswer> {
    const url = this.http.url(path);
    const bytes = Buffer.from(JSON.stringify(body));
    const headers = { ...this.sign(url, ostDigest(bytes)), "content-type": "application/json" };
    const response = await this.http.fetch(url, { method: "POST", headers, body: bytes }, signal);
    return interpret(path, response);
  }

  async postForm(
    path: string,
    fields: Record<string, string>,
    file: FilePart,
    signal?: AbortSignal,
  ): Promise<OstAnswer> {
    const url = this.http.url(path);
    const boundary = `----docsync${randomBytes(12).toString("hex")}`;
    let head = "";
    for (const [name, value] of Object.entries(fields)) {
      head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    }
    const filename = file.filename.replace(/["\r\n\\]/g, "_");
    head +=
      `--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="${filename}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`;
    const headBytes = Buffer.from(head);
    const tailBytes = Buffer.from(`\r\n--${boundary}--\r\n`);
    const response = await this.http.send({
      url,
      method: "POST",
      headers: {
        ...this.sign(url, EMPTY_BODY_DIGEST),
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      contentLength: headBytes.length + (file.end - file.start) + tailBytes.length,
      body: filePartBody(headBytes, file, tailBytes),
      highWaterMark: 4 * READ_CHUNK,
      ...(signal ? { signal } : {}),
    });
    return interpret(path, response);
  }

  private sign(url: URL, digest: string) {
    const date = new Date(this.http.now()).toUTCString();
    return signOstRequest({ method: "POST", url, date, digest, ...this.options });
  }
}

async function* filePartBody(head: Buffer, file: FilePart, tail: Buffer): AsyncGenerator<Uint8Array> {
  yield head;
  const size = file.end - file.start;
  if (size > 0) {
    let read = 0;
    try {
      const stream = createReadStream(file.path, {
        start: file.start,
        end: file.end - 1,
        highWaterMark: READ_CHUNK,
      });
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        read += chunk.length;
        file.onBytes?.(chunk.length);
        yield chunk;
      }
    } catch (error) {
      throw new CloudError("changed", `${file.path} can no longer be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (read !== size) throw new CloudError("changed", `${file.path} became shorter while it was being sent`);
  }
  yield tail;
}

function interpret(path: string, response: HttpResponse): OstAnswer {
  const status = response.status;
  const text = response.body.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const message =
    json && typeof json === "object" && typeof (json as { message?: unknown }).message === "string"
      ? (json as { message: string }).message
      : text.slice(0, 200);
  if (status === 401) throw new CloudError("credentials", `OST refused the credentials: ${message}`);
  if (status === 403) {
    // The gateway answers 403 for a request date too far from its clock, and for an address it does not allow.
    if (/date/i.test(message)) {
      throw new CloudError("clock", `OST refused the request date: ${message}`, {
        hint: "Check that the system clock is right.",
      });
    }
    throw new CloudError("credentials", `OST refused the request: ${message}`);
  }
  // A fault the vendor sends to support is not worth another try, even with a 5xx status.
  if (isTicketCode((json as { code?: unknown } | undefined)?.code)) return json as OstAnswer;
  if (status === 429 || status >= 500) {
    const retryAt = parseRetryAfter(response.headers, Date.now());
    throw new CloudError("transient", `OST ${path} answered HTTP ${status}: ${message}`, {
      ...(retryAt !== undefined ? { retryAt } : {}),
    });
  }
  if (
    status !== 200 ||
    !json ||
    typeof json !== "object" ||
    typeof (json as { code?: unknown }).code !== "number"
  ) {
    throw new CloudError(
      "protocol",
      `OST ${path} answered HTTP ${status} with an unexpected body: ${message}`,
    );
  }
  return json as OstAnswer;
}
