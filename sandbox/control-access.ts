/**
 * Who the local cloud answers: only requests addressed to its own address (so a web page elsewhere
 * cannot reach it through DNS rebinding), and on its control routes (/__sandbox/: faults, counts,
 * sign-in, pace) only whoever holds the token it printed at start-up.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { CONTROL_PREFIX } from "./faults.ts";

export const CONTROL_TOKEN_HEADER = "x-sandbox-token";

export function newControlToken(): string {
  return randomBytes(24).toString("base64url");
}

function sameSecret(offered: unknown, token: string): boolean {
  if (typeof offered !== "string") return false;
  const left = Buffer.from(offered);
  const right = Buffer.from(token);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** An onRequest hook; `port` is read at request time (it is known once the server listens). */
export function accessGuard(controlToken: string, port: () => number) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    // Without the port too: vendor demos sign and send the bare host name, as a real host on 443 is.
    const own = ["127.0.0.1", "localhost"].flatMap((name) => [`${name}:${port()}`, name]);
    if (!own.includes(request.headers.host?.toLowerCase() ?? "")) {
      await reply.code(403).send({ code: 40300, msg: `host: the local cloud answers only to ${own[0]}` });
      return reply;
    }
    if (
      request.url.startsWith(CONTROL_PREFIX) &&
      !sameSecret(request.headers[CONTROL_TOKEN_HEADER], controlToken)
    ) {
      await reply.code(401).send({
        code: 40100,
        msg: `${CONTROL_PREFIX} routes need the ${CONTROL_TOKEN_HEADER} header the local cloud printed at start-up`,
      });
      return reply;
    }
    return undefined;
  };
}
