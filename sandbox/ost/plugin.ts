/** The iFlytek OST upload endpoints of the local cloud (section 2 of the API contract). */
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { FormError, receiveForm, type ReceivedForm } from "./form.ts";
import { verifyOstSignature } from "./signature.ts";
import { MAX_SLICE_SIZE, MAX_SLICES, OstRuleError, UploadStore } from "./store.ts";

export interface OstOptions {
  /** Where staged slices and assembled files live. */
  dataDir: string;
  appId: string;
  apiKey: string;
  apiSecret: string;
  /** The sandbox's clock (ms since epoch), so tests can move time. */
  now: () => number;
  /** The public base URL of the sandbox, for the download URLs `complete` returns. */
  baseUrl: () => string;
}

/** Files sent through `/file/upload` must be under 30 MB. */
export const SINGLE_UPLOAD_LIMIT = 30_000_000;

/** What `GET /__sandbox/ost/stats` answers: how often each slice was stored, per upload id. */
export interface OstStats {
  /** `completedAgain`: completes of an upload that was already complete (answered with its url again). */
  requests: Record<"init" | "upload" | "complete" | "cancel" | "single" | "completedAgain", number>;
  uploads: Record<string, { slices: Record<string, number> }>;
}

interface OstReply {
  status: number;
  body: unknown;
}

export function ostPlugin(options: OstOptions): FastifyPluginAsync {
  return async (fastify) => {
    // Own context, so the multipart parser below stays local to these routes.
    await fastify.register(async (app) => registerRoutes(app, options));
  };
}

async function registerRoutes(app: FastifyInstance, options: OstOptions) {
  const store = new UploadStore(options.dataDir, options.now);
  const stats: OstStats = {
    requests: { init: 0, upload: 0, complete: 0, cancel: 0, single: 0, completedAgain: 0 },
    uploads: {},
  };
  const filesPath = `${app.prefix}/ost/files`;

  // Multipart bodies are read by the handlers as a stream.
  if (app.hasContentTypeParser("multipart/form-data")) app.removeContentTypeParser("multipart/form-data");
  app.addContentTypeParser("multipart/form-data", (_request, _payload, done) => done(null));

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.code(200).send(answer(10001, `bad request: ${error.message}`));
    }
    return reply.code(500).send(answer(10006, `io error: ${error.message}`));
  });

  const authorized = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const check = verifyOstSignature(
      { method: request.method, url: request.raw.url ?? request.url, headers: request.headers },
      options,
      options.now(),
    );
    if (!check.ok) {
      void reply.code(check.status).header("connection", "close").send({ message: check.message });
      return false;
    }
    return true;
  };

  /**
   * Checks app_id and request_id, then runs the call. A request_id only labels a request for the
   * logs: the vendor's own demo sends one for init, every slice and complete, so nothing is keyed on it.
   */
  const run = async (
    reply: FastifyReply,
    fields: { get(name: string): unknown },
    work: () => Promise<OstReply>,
  ): Promise<void> => {
    const appId = fields.get("app_id");
    const requestId = fields.get("request_id");
    if (appId !== options.appId) {
      await reply.code(401).send({ message: "app_id does not belong to this api_key" });
      return;
    }
    if (typeof requestId !== "string" || requestId === "") {
      await reply.send(answer(10001, "request_id is required"));
      return;
    }
    let result: OstReply;
    try {
      result = await work();
    } catch (error) {
      if (error instanceof OstRuleError) result = { status: 200, body: answer(error.code, error.message) };
      else if (error instanceof FormError) result = { status: 200, body: answer(10001, error.message) };
      else throw error;
    }
    await reply.code(result.status).send(result.body);
  };

  const jsonFields = (request: FastifyRequest) => {
    const body = request.body;
    const record = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
    return { get: (name: string) => record[name] };
  };
  const requireUploadId = (value: unknown): string => {
    if (typeof value !== "string" || value === "") throw new OstRuleError(10001, "upload_id is required");
    return value;
  };
  const fileUrl = (fileId: string) => `${options.baseUrl()}${filesPath}/${fileId}`;
  /** Receives a form with its `data` part, runs `work` on it, and removes the part unless `work` kept it. */
  const withForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    maxFileSize: number,
    work: (form: ReceivedForm) => Promise<OstReply>,
  ): Promise<void> => {
    let form: ReceivedForm;
    try {
      form = await receiveForm(request.raw, { tmpDir: store.tmpDir, fileField: "data", maxFileSize });
    } catch (error) {
      if (error instanceof FormError) return reply.send(answer(10001, error.message));
      throw error;
    }
    try {
      await run(reply, form.fields, () => work(form));
    } finally {
      // Left behind only when the part was not stored (a refusal).
      if (form.file) await rm(form.file.path, { force: true });
    }
  };

  app.post("/file/mpupload/init", async (request, reply) => {
    if (!authorized(request, reply)) return;
    stats.requests.init++;
    const fields = jsonFields(request);
    await run(reply, fields, async () => {
      const uploadId = store.init(options.appId);
      stats.uploads[uploadId] = { slices: {} };
      return ok({ upload_id: uploadId });
    });
  });

  app.post("/file/mpupload/upload", async (request, reply) => {
    if (!authorized(request, reply)) return;
    stats.requests.upload++;
    await withForm(request, reply, MAX_SLICE_SIZE, async (form) => {
      const uploadId = requireUploadId(form.fields.get("upload_id"));
      const sliceText = form.fields.get("slice_id") ?? "";
      const sliceId = /^\d+$/.test(sliceText) ? Number(sliceText) : Number.NaN;
      if (!(sliceId >= 1 && sliceId <= MAX_SLICES)) {
        throw new OstRuleError(10001, `slice_id must be an integer from 1 to ${MAX_SLICES}`);
      }
      if (form.fileTooLarge) throw new OstRuleError(10001, `slice ${sliceId} is larger than 5 GiB`);
      if (!form.file) throw new OstRuleError(10001, "the data part is missing");
      await store.putSlice(options.appId, uploadId, sliceId, form.file.path, form.file.size);
      const slices = (stats.uploads[uploadId] ??= { slices: {} }).slices;
      slices[sliceId] = (slices[sliceId] ?? 0) + 1;
      return ok();
    });
  });

  app.post("/file/mpupload/complete", async (request, reply) => {
    if (!authorized(request, reply)) return;
    stats.requests.complete++;
    const fields = jsonFields(request);
    await run(reply, fields, async () => {
      const { fileId, again } = store.complete(options.appId, requireUploadId(fields.get("upload_id")));
      if (again) stats.requests.completedAgain++;
      return ok({ url: fileUrl(fileId) });
    });
  });

  app.post("/file/mpupload/cancel", async (request, reply) => {
    if (!authorized(request, reply)) return;
    stats.requests.cancel++;
    const fields = jsonFields(request);
    await run(reply, fields, async () => {
      await store.cancel(options.appId, requireUploadId(fields.get("upload_id")));
      return ok();
    });
  });

  app.post("/file/upload", async (request, reply) => {
    if (!authorized(request, reply)) return;
    stats.requests.single++;
    await withForm(request, reply, SINGLE_UPLOAD_LIMIT - 1, async (form) => {
      if (form.fileTooLarge) {
        throw new OstRuleError(10001, "a single upload takes files under 30 MB; use the multipart upload");
      }
      if (!form.file) throw new OstRuleError(10001, "the data part is missing");
      const fileId = await store.putFile(options.appId, form.file.path, form.file.size);
      return ok({ url: fileUrl(fileId) });
    });
  });

  // The staged file's URL: a plain GET with no signature, as KDocs' async upload fetches it.
  app.get<{ Params: { id: string } }>("/ost/files/:id", async (request, reply) => {
    const file = await store.file(request.params.id);
    if (!file) return reply.code(404).send({ code: 10005, message: "no such file" });
    return reply
      .header("content-type", "application/octet-stream")
      .header("content-length", file.size)
      .send(Readable.from(concatenate(file.parts)));
  });

  app.get("/__sandbox/ost/stats", async () => stats);
}

async function* concatenate(paths: string[]) {
  for (const path of paths) yield* createReadStream(path, { highWaterMark: 1024 * 1024 });
}

function ok(data?: Record<string, unknown>): OstReply {
  return { status: 200, body: { code: 0, sid: sid(), ...(data ? { data } : {}), message: "success" } };
}

function answer(code: number, message: string) {
  return { code, sid: sid(), message };
}

function sid(): string {
  return `ost${randomBytes(8).toString("hex")}@sandbox`;
}
