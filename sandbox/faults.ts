/**
 * Injected faults: latency, a link of limited bandwidth, answers 500 and dropped connections,
 * optionally for one path prefix.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { Link } from "./link.ts";

export interface FaultSpec {
  latencyMs?: number;
  /** Megabytes (10^6 bytes) per second that request bodies share (see link.ts). */
  bandwidthMBps?: number;
  errorRate?: number;
  dropRate?: number;
  pathPrefix?: string;
}

const share = z.number().min(0).max(1);

export const faultSpecSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    bandwidthMBps: z.number().gt(0).max(100_000).optional(),
    errorRate: share.optional(),
    dropRate: share.optional(),
    pathPrefix: z.string().startsWith("/").optional(),
  })
  .strict();

/** `latency=50,bandwidth=20,errors=0.1,drops=0.02,path=/api/...` as used on the command line. */
export function parseFaultFlag(text: string): FaultSpec {
  const keys: Record<string, keyof FaultSpec> = {
    latency: "latencyMs",
    bandwidth: "bandwidthMBps",
    errors: "errorRate",
    drops: "dropRate",
    path: "pathPrefix",
  };
  const spec: Record<string, unknown> = {};
  for (const part of text.split(",").filter((p) => p.trim() !== "")) {
    const eq = part.indexOf("=");
    const key = keys[part.slice(0, eq).trim()];
    if (eq < 0 || key === undefined) {
      throw new Error(
        `"${part}" is not one of latency=MS, bandwidth=MBPS, errors=SHARE, drops=SHARE, path=/PREFIX`,
      );
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

function hasBody(request: FastifyRequest): boolean {
  const headers = request.raw.headers;
  return Number(headers["content-length"] ?? 0) > 0 || headers["transfer-encoding"] !== undefined;
}

/** Waits until part of the body has arrived (if any), so the cut comes in the middle of the request. */
function firstBodyBytes(request: FastifyRequest): Promise<void> {
  const raw = request.raw;
  if (!hasBody(request) || raw.readableEnded) return Promise.resolve();
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
  private readonly link = new Link();

  constructor(spec: FaultSpec | null = null, random: () => number = Math.random) {
    this.random = random;
    this.set(spec);
  }

  set(spec: FaultSpec | null): void {
    this.spec = spec;
    // Bodies on their way follow the new rate at once.
    this.link.setRate(spec?.bandwidthMBps ? spec.bandwidthMBps * 1e6 : undefined);
  }

  get(): FaultSpec | null {
    return this.spec;
  }

  private applies(request: FastifyRequest): FaultSpec | undefined {
    const spec = this.spec;
    if (!spec || request.url.startsWith(CONTROL_PREFIX)) return undefined;
    if (spec.pathPrefix !== undefined && !request.url.startsWith(spec.pathPrefix)) return undefined;
    return spec;
  }

  /** A preParsing hook: a request body crosses the link (every route reads the body it is given). */
  readonly preParsing = async (request: FastifyRequest, _reply: FastifyReply, payload: Readable) => {
    if (!this.applies(request)?.bandwidthMBps || !hasBody(request)) return payload;
    return this.link.throttle(payload);
  };

  /** An onRequest hook: delays, answers 500, or cuts the connection. */
  readonly hook = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const spec = this.applies(request);
    if (!spec) return;
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
