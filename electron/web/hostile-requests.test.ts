/**
 * The real web shell under a stream of random requests and upgrades (targets, headers, cookies,
 * bodies): every one gets an answer, nothing without the token gets more than a refusal, and the
 * process keeps running. Seeded; a failure names the seed (DOCSYNC_FUZZ_SEED reruns it).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { coreChannels } from "../../shared/contract.ts";
import { EVENTS_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from "../../shared/web-access.ts";
import { startServe, type ServeProcess } from "../../testing/serve-process.ts";

const REQUESTS = 10_000;
const AT_ONCE = 8;

let scratch: string;
let serve: ServeProcess;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "docsync-fuzz-"));
  serve = await startServe(join(scratch, "home"));
  if (!serve.url) throw new Error(`the web shell did not start: ${serve.stderr()}`);
}, 180_000);

afterAll(async () => {
  await serve?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** mulberry32: small, seedable, good enough to pick cases. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  /** The request as sent. */
  bytes: Buffer;
  /** Whether it carries the token where the shell takes it (header, socket protocol, the page's query). */
  presentsToken: boolean;
  summary: string;
}

function caseMaker(random: () => number, port: number, token: string): () => Case {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const text = (length: number, alphabet: string) =>
    Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
  // No CR or LF: a request is always complete, so a missing answer is the server's fault.
  const weird = "abcXYZ019-_.~%/?#:@[]!$&'()*+,;=\\\"<>{}|^` \t\u0000\u0001\u007f\u00e9\u4e2d\u{1f600}";
  const b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const own = `127.0.0.1:${port}`;
  const channels = [...Object.keys(coreChannels), "dialog.pickFolder", "__proto__", "constructor", ""];

  const target = (): { target: string; pageToken: boolean } => {
    const plain = (t: string) => ({ target: t, pageToken: false });
    switch (int(0, 17)) {
      case 0:
        return plain(pick(["//x:y", "/%", "/%%", "/%zz", "/?token=%", "*", "/?token=", "//", "/\\..\\"]));
      case 1:
        return plain(pick(["http://evil.example/", `http://${own}/`, `http://${own}/?token=${token}`, "x"]));
      case 2:
        return plain(`/events${pick(["", "?token=" + token, "?token=%", "/", "?", "#x"])}`);
      case 3:
        return { target: pick(["/", "/index.html"]) + `?token=${token}`, pageToken: true };
      case 4:
        return plain(`/?token=${pick([token + "x", token.slice(1), "%E0%A4%A", text(int(0, 40), weird)])}`);
      case 5:
      case 6:
        return plain(`/api/${pick(channels)}${pick(["", "?x=%", "/x", "%"])}`);
      case 7:
        return plain(`/api/${text(int(0, 60), weird)}`);
      case 8:
        return plain(
          `/drops/${pick(["drop0000000000001", text(int(0, 70), b64url), text(5, weird)])}` +
            pick(["", `?path=${text(int(0, 50), weird)}`, "?path=a%2F..%2F..%2Fx", "/commit"]),
        );
      case 9:
        return plain(
          `/p/${text(pick([21, 22, 23]), b64url)}${pick(["", "/", "/index.html", "/assets/../../x", "/%2e%2e/%2e%2e/etc/passwd"])}`,
        );
      case 10:
        return plain(
          `/assets/${pick(["../../package.json", "%2e%2e%2fpackage.json", text(int(0, 40), weird)])}`,
        );
      case 11:
        return plain(`/${"a".repeat(int(1_000, 20_000))}`);
      default:
        return plain(`/${text(int(0, 120), weird)}`);
    }
  };

  return () => {
    const method = pick(
      ["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"].concat([
        "CONNECT",
        "TRACE",
        "FOO",
        "get",
        "",
      ]),
    );
    const { target: path, pageToken } = target();
    const version = chance(0.9) ? "HTTP/1.1" : pick(["HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "", "HTTP/1.1 x"]);
    const headers: [string, string][] = [];
    if (chance(0.95))
      headers.push([
        "Host",
        pick([own, own, `localhost:${port}`, "evil.example", "", "127.0.0.1", `${own}0`]),
      ]);
    if (chance(0.05)) headers.push(["Host", pick([own, "evil.example"])]);
    if (chance(0.5))
      headers.push([
        "Origin",
        pick([`http://${own}`, "null", "http://evil.example", "%", text(int(0, 30), weird)]),
      ]);
    if (chance(0.5))
      headers.push([
        "Cookie",
        pick([`docsync-${port}=%`, `docsync-${port}=${token}`, "=;=;;%", `a=${"%".repeat(int(1, 9))}`]) +
          pick(["", `; ${text(int(0, 40), weird)}`]),
      ]);
    let headerToken = false;
    if (chance(0.4)) {
      const value = pick([token, token, token + "x", "%", "", text(int(0, 40), weird)]);
      headerToken = value === token;
      headers.push(["X-Docsync-Token", value]);
    }
    let protocolToken = false;
    if (chance(0.4)) {
      headers.push([
        "Connection",
        pick(["Upgrade", "keep-alive, Upgrade", "upgrade", text(int(0, 20), weird)]),
      ]);
      headers.push([
        "Upgrade",
        pick(["websocket", "websocket", "WebSocket", "h2c", text(int(0, 20), weird)]),
      ]);
      if (chance(0.8))
        headers.push([
          "Sec-WebSocket-Key",
          pick([Buffer.from(text(16, b64url)).toString("base64"), "", text(int(0, 30), weird)]),
        ]);
      if (chance(0.8)) headers.push(["Sec-WebSocket-Version", pick(["13", "13", "8", "", text(3, weird)])]);
      if (chance(0.5)) {
        const value = pick([
          `${EVENTS_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${token}`,
          `${TOKEN_PROTOCOL_PREFIX}${token}`,
          `${EVENTS_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}%`,
          ",,,",
          text(int(0, 40), weird),
        ]);
        protocolToken = value.endsWith(`${TOKEN_PROTOCOL_PREFIX}${token}`);
        headers.push(["Sec-WebSocket-Protocol", value]);
      }
      if (chance(0.2))
        headers.push(["Sec-WebSocket-Extensions", pick(["permessage-deflate", text(20, weird)])]);
    }
    if (chance(0.4))
      headers.push([
        "Content-Type",
        pick(
          [
            "application/json",
            "application/octet-stream",
            "text/plain",
            "multipart/form-data; boundary=x",
          ].concat(["application/json; charset=utf-16", text(int(0, 30), weird)]),
        ),
      ]);
    for (let i = int(0, 3); i > 0; i--) headers.push([text(int(1, 12), weird), text(int(0, 40), weird)]);
    let body = Buffer.alloc(0);
    if (chance(0.4)) {
      body = pick([
        () => Buffer.from(text(int(0, 2_000), weird)),
        () =>
          Buffer.from(JSON.stringify({ accountId: text(5, weird), folderId: "0", names: [text(3, weird)] })),
        () => Buffer.from(pick(["{}", "[]", "null", '{"__proto__":{"x":1}}', "{not json"])),
        () => Buffer.from(Array.from({ length: int(0, 4_096) }, () => int(0, 255))),
      ])();
      if (chance(0.2)) {
        headers.push(["Transfer-Encoding", "chunked"]);
        body = Buffer.concat([
          Buffer.from(`${body.length.toString(16)}\r\n`),
          body,
          Buffer.from("\r\n0\r\n\r\n"),
        ]);
        if (body.length === 5) body = Buffer.from("0\r\n\r\n");
      } else {
        headers.push(["Content-Length", String(body.length)]);
      }
    }
    const head = `${method} ${path} ${version}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n`;
    return {
      bytes: Buffer.concat([Buffer.from(head, "latin1"), body]),
      presentsToken: headerToken || protocolToken || pageToken,
      summary: `${method} ${path.slice(0, 80)} ${version} ${JSON.stringify(headers.map(([k, v]) => [k, v.slice(0, 60)]))}`,
    };
  };
}

/** Sends one raw request and resolves with the status of the first answer (undefined when none came). */
function statusOf(port: number, bytes: Buffer): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let settled = false;
    const done = (status: number | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => done(undefined), 15_000);
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      const match = /^HTTP\/1\.[01] (\d{3}) /.exec(received);
      if (match) done(Number(match[1]));
      else if (received.includes("\r\n")) done(undefined);
    });
    socket.on("error", () => done(undefined));
    socket.on("close", () => done(undefined));
  });
}

test(`${REQUESTS} random requests and upgrades: each gets an answer, none without the token gets in, the shell lives`, async () => {
  const seed = Number(process.env.DOCSYNC_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
  const next = caseMaker(generator(seed), serve.port, serve.token);
  const failures: string[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < REQUESTS && failures.length < 5) {
      sent += 1;
      const request = next();
      const status = await statusOf(serve.port, request.bytes);
      if (status === undefined) failures.push(`no answer to ${request.summary}`);
      else if (status >= 500) failures.push(`${status} for ${request.summary}`);
      else if (!request.presentsToken && status < 400)
        failures.push(`${status} without the token: ${request.summary}`);
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
  // Still there, and still serving the page that has the token.
  const info = await fetch(`http://127.0.0.1:${serve.port}/api/app.info`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-docsync-token": serve.token },
    body: "{}",
  }).then(
    (answer) => answer.status,
    (error: Error) => `unreachable: ${error.message}`,
  );
  expect({ failures, info }, `seed ${seed} (DOCSYNC_FUZZ_SEED=${seed} reruns it)\n${serve.stderr()}`).toEqual(
    {
      failures: [],
      info: 200,
    },
  );
}, 300_000);
