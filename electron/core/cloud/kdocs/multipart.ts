/**
 * The frame of a multipart/form-data body around one file: text fields and the file part's header
 * (the preamble), the file's bytes, then the closing boundary (the epilogue). Knowing the frame's
 * bytes up front gives the exact Content-Length and lets the body's MD5 be computed while the file
 * streams, without building the body in memory.
 */
import { randomBytes } from "node:crypto";

export interface MultipartFrame {
  contentType: string;
  preamble: Buffer;
  epilogue: Buffer;
}

export function multipartFrame(
  fields: ReadonlyArray<readonly [string, string]>,
  file: { field: string; filename: string; contentType?: string },
  boundary = `----docsync${randomBytes(12).toString("hex")}`,
): MultipartFrame {
  let head = "";
  for (const [name, value] of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(file.field)}"; ` +
    `filename="${escapeName(file.filename)}"\r\n` +
    `Content-Type: ${file.contentType ?? "application/octet-stream"}\r\n\r\n`;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    preamble: Buffer.from(head, "utf8"),
    epilogue: Buffer.from(`\r\n--${boundary}--\r\n`, "utf8"),
  };
}

/**
 * Names travel as UTF-8 in a quoted string: a quote or backslash is escaped with a backslash, which
 * MIME parsers undo, so the server stores the name as given. Line breaks cannot appear in a header
 * and are percent-encoded as browsers do (names with them are refused by the server anyway).
 */
function escapeName(name: string): string {
  return name.replace(/["\\]/g, "\\$&").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
