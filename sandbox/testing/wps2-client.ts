/** A deliberately small WPS-2 client for the local cloud's own tests (the app's client is separate). */
import { createHash, randomBytes } from "node:crypto";

export const API = "/api/v1/openapi/appspace";

export interface AppCredentials {
  url: string;
  appId: string;
  appKey: string;
}

export interface CallOptions {
  json?: unknown;
  body?: Uint8Array;
  contentType?: string;
  /** Overrides of what is signed or sent, for the negative tests. */
  date?: string | null;
  appId?: string;
  appKey?: string;
  contentMd5?: string;
  /** Sends these bytes instead of the signed body. */
  sendBody?: Uint8Array;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

const md5 = (data: string | Uint8Array) => createHash("md5").update(data).digest("hex");

export function sign(appKey: string, contentMd5: string, contentType: string, date: string): string {
  return createHash("sha1")
    .update(appKey + contentMd5 + contentType + date)
    .digest("hex");
}

export function signedHeaders(
  app: AppCredentials,
  method: string,
  pathAndQuery: string,
  options: CallOptions = {},
): { headers: Record<string, string>; body: Uint8Array | undefined } {
  const body =
    options.body ?? (options.json !== undefined ? Buffer.from(JSON.stringify(options.json)) : undefined);
  const contentType = options.contentType ?? "application/json";
  const contentMd5 =
    options.contentMd5 ?? (method === "GET" ? md5(pathAndQuery) : md5(body ?? new Uint8Array()));
  const date = options.date === undefined ? new Date().toUTCString() : options.date;
  const headers: Record<string, string> = {
    "Content-Type": contentType,
    "Content-Md5": contentMd5,
    Authorization: `WPS-2:${options.appId ?? app.appId}:${sign(options.appKey ?? app.appKey, contentMd5, contentType, date ?? "")}`,
    ...options.headers,
  };
  if (date !== null) headers.Date = date;
  return { headers, body };
}

export async function call(
  app: AppCredentials,
  method: string,
  pathAndQuery: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const { headers, body } = signedHeaders(app, method, pathAndQuery, options);
  const response = await fetch(app.url + pathAndQuery, {
    method,
    headers,
    body: (options.sendBody ?? body) as BodyInit | undefined,
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the test sees the text.
  }
  return { status: response.status, headers: response.headers, json };
}

export interface FilePart {
  filename: string;
  content: Uint8Array;
}

/** A multipart/form-data body; the file part comes last, as browsers and curl send it. */
export function multipart(
  fields: [string, string][],
  file?: FilePart,
  fileField = "file",
): { body: Buffer; contentType: string } {
  const boundary = `----sandboxtest${randomBytes(8).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${file.filename}"\r\n` +
          "Content-Type: application/octet-stream\r\n\r\n",
      ),
      Buffer.from(file.content),
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(
  app: AppCredentials,
  fields: [string, string][],
  file?: FilePart,
): Promise<CallResult> {
  const { body, contentType } = multipart(fields, file);
  return call(app, "POST", `${API}/files/upload`, { body, contentType });
}

/** Polls `probe` until it returns a value, at most `ms`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
