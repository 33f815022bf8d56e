/**
 * The KDocs script endpoints of the personal space (section 4 of the API contract): start a script on
 * a document, then poll its status for the log lines not returned before. They take a user
 * `access_token` in the query instead of a WPS-2 signature.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, badArgument, notFound } from "../appspace/errors.ts";
import { QuirkBook } from "../quirks.ts";
import type { ScriptService } from "./runs.ts";

export const PERSONAL_PREFIX = "/api/v1/openapi/personal";
/** Largest script text accepted [ours]. */
export const MAX_SCRIPT_BYTES = 64 * 1024;

/** A refused `access_token`: missing, unknown or expired [ours: the code]. */
export const ACCESS_TOKEN_CODE = 30006;

const tokenRefused = (msg: string) => new ApiError(ACCESS_TOKEN_CODE, 401, msg);

function queryField(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) throw badArgument(name, "sent more than once");
  return typeof value === "string" ? value : undefined;
}

function checkToken(request: FastifyRequest, expected: string): void {
  const token = queryField(request, "access_token");
  if (token === undefined || token === "") {
    throw tokenRefused("access_token is missing");
  }
  if (token !== expected) throw tokenRefused("access_token is invalid or expired");
}

/** The body is JSON whatever its Content-Type: the vendor's curl example sends it as a form. */
function startBody(raw: unknown): { script: string; scriptName: string | undefined } {
  const text = typeof raw === "string" ? raw : "";
  if (text.trim() === "") throw badArgument("body", 'a JSON object with "script" is required');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badArgument("body", "is not valid JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw badArgument("body", "must be a JSON object");
  const { script, script_name: scriptName } = body as Record<string, unknown>;
  if (typeof script !== "string" || script.trim() === "")
    throw badArgument("script", "must be a non-empty string");
  if (Buffer.byteLength(script) > MAX_SCRIPT_BYTES) {
    throw badArgument("script", `is longer than ${MAX_SCRIPT_BYTES} bytes`);
  }
  if (scriptName !== undefined && scriptName !== null) {
    // eslint-disable-next-line no-control-regex
    if (typeof scriptName !== "string" || !/^[^\u0000-\u001f/\\]{1,100}$/.test(scriptName)) {
      throw badArgument("script_name", "must be 1 to 100 characters, without control characters, / or \\");
    }
    return { script, scriptName };
  }
  return { script, scriptName: undefined };
}

export function scriptsPlugin(service: ScriptService, quirks = new QuirkBook()): FastifyPluginAsync {
  return async (fastify) => {
    // Own context, so the body parser below stays local to these routes.
    await fastify.register(async (app) => registerRoutes(app, service, quirks));
  };
}

async function registerRoutes(
  app: FastifyInstance,
  service: ScriptService,
  quirks: QuirkBook,
): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "*",
    { parseAs: "string", bodyLimit: MAX_SCRIPT_BYTES * 2 },
    (_request, body, done) => done(null, body),
  );

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply: FastifyReply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(error.body());
    const status = error.statusCode ?? 500;
    if (status < 500) return reply.code(400).send({ code: 40001, msg: `request: ${error.message}` });
    request.log.error(error);
    return reply.code(500).send({ code: 50000, msg: `internal error: ${error.message}` });
  });

  app.post<{ Params: { file_id: string } }>(`${PERSONAL_PREFIX}/files/:file_id/script`, async (request) => {
    checkToken(request, service.accessToken);
    const { script, scriptName } = startBody(request.body);
    const kind = service.documentKind(request.params.file_id);
    if (kind === undefined) throw notFound("file_id: no such document");
    if (kind !== "file") throw badArgument("file_id", "a folder cannot run a script");
    return {
      code: 0,
      data: { task_id: service.start(request.params.file_id, script, scriptName ?? "script") },
    };
  });

  app.get(`${PERSONAL_PREFIX}/script/status`, async (request) => {
    checkToken(request, service.accessToken);
    const taskId = queryField(request, "task_id");
    if (taskId === undefined || taskId === "") throw badArgument("task_id", "is required");
    const answer = service.status(taskId);
    if (!answer) throw notFound("task_id: no such script task (pass it through encodeURIComponent)");
    if (!quirks.unfamiliar) return answer;
    // The field table lists `code`; the first answer has a word the contract does not know, and its lines.
    return { code: 0, ...answer, ...(quirks.firstAnswer("script", taskId) ? { status: "queued" } : {}) };
  });
}
