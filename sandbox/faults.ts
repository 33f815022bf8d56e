/** Injected faults: latency, answers 500 and dropped connections, optionally for one path prefix. */
import type { FastifyReply, FastifyRequest } from "fastify";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";

export interface FaultSpec {
  latencyMs?: number;
  errorRate?: number;
  dropRate?: number;
  pathPrefix?: string;
}

const share = z.number().min(0).max(1);

export const faultSpecSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    errorRate: share.optional(),
    dropRate: share.optional(),
    pathPrefix: z.string().startsWith("/").optional(),
  })
  .strict();

/** `latency=50,errors=0.1,drops=0.02,path=/api/...` as used on the command line. */
export function parseFaultFlag(text: string): FaultSpec {
  const keys: Record<string, keyof FaultSpec> = {
    latency: "latencyMs",
    errors: "errorRate",
    drops: "dropRate",
    path: "pathPrefix",
  };
  const spec: Record<string, unknown> = {};
  for (const part of text.split(",").filter((p) => p.trim() !== "")) {
    const eq = part.indexOf("=");
    const key = keys[part.slice(0, eq).trim()];
    if (eq < 0 || key === undefined) {
      throw new Error(`"${part}" is not one of latency=MS, errors=SHARE, drops=SHARE, path=/PREFIX`);
    }
    const value = part.slice(eq + 1).trim();
    spec[key] = key === "pathPrefix" ? value : Number(value);
  }
  const result = faultSpecSchema.safeParse(spec);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${issue.path.join(".")}: ${issue.message}`);
  }
  return result.data;
}

/** Waits until part of the body has arrived (if any), so the cut comes in the middle of the request. */
function firstBodyBytes(request: FastifyRequest): Promise<void> {
  const raw = request.raw;
  const hasBody =
    Number(raw.headers["content-length"] ?? 0) > 0 || raw.headers["transfer-encoding"] !== undefined;
  if (!hasBody || raw.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      raw.off("data", done).off("end", done).off("error", done);
      raw.pause();
      resolve();
    };
    const timer = setTimeout(done, 1000);
    raw.once("data", done).once("end", done).once("error", done);
  });
}

/** Requests under this prefix (test control) never get faults. */
export const CONTROL_PREFIX = "/__sandbox/";

export class FaultInjector {
  private spec: FaultSpec | null = null;
  private readonly random: () => number;

  constructor(spec: FaultSpec | null = null, random: () => number = Math.random) {
    this.spec = spec;
    this.random = random;
  }

  set(spec: FaultSpec | null): void {
    this.spec = spec;
  }

  get(): FaultSpec | null {
    return this.spec;
  }

  /** An onRequest hook: delays, answers 500, or cuts the connection. */
  readonly hook = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const spec = this.spec;
    if (!spec || request.url.startsWith(CONTROL_PREFIX)) return;
    if (spec.pathPrefix !== undefined && !request.url.startsWith(spec.pathPrefix)) return;
    if (spec.latencyMs) await sleep(spec.latencyMs);
    if (spec.dropRate && this.random() < spec.dropRate) {
      reply.hijack();
      await firstBodyBytes(request);
      request.raw.socket.destroy();
      return reply;
    }
    if (spec.errorRate && this.random() < spec.errorRate) {
      // Both envelopes: KDocs reads `msg`, OST reads `message`.
      return reply
        .code(500)
        .send({ code: 50000, msg: "injected server fault; safe to retry", message: "injected server fault" });
    }
    return undefined;
  };
}
