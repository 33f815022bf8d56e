import { writeFileSync, readFileSync } from "node:fs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
const run = promisify(execFile);
import { randomBytes } from "node:crypto";
import { startSandbox } from "./server.ts";
import { API, multipart, signedHeaders } from "./testing/wps2-client.ts";
const sb = await startSandbox();
const data = randomBytes(60 * 1024 * 1024);
for (let i = 0; i < 6; i++) {
  const { body, contentType } = multipart([], { filename: `big${i}.bin`, content: data });
  writeFileSync("/tmp/body.bin", body);
  const { headers } = signedHeaders(sb, "POST", `${API}/files/upload`, { body, contentType });
  headers.Date = headers.Date!;
  const args = [
    "-s",
    "-o",
    "/dev/null",
    "-w",
    "%{http_code} %{time_total} %{speed_upload}",
    "-X",
    "POST",
    "--data-binary",
    "@/tmp/body.bin",
  ];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  args.push(sb.url + `${API}/files/upload`);
  // each upload needs a fresh name: use file_token versions after the first
  console.log((await run("curl", args)).stdout);
  await fetch(sb.url);
}
await sb.close();
