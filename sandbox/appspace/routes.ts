/** The application-space endpoints (section 1 of the contract) under /api/v1/openapi. */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { Readable } from "node:stream";
import { verifyContentMd5, verifySignedHeaders, type AppCredentials, type SignedRequest } from "./auth.ts";
import type { BlobStore } from "./blobs.ts";
import { DOWNLOAD_PATH_PREFIX, type DownloadLinks } from "./downloads.ts";
import { badArgument, conflict, toApiError, tooLarge } from "./errors.ts";
import { ROOT_TOKEN, toFileObject, validateName, type FileRow, type FileTree } from "./files.ts";
import type { Md5Pool } from "./md5.ts";
import type { ContentStore } from "./content.ts";
import type { ImportTasks } from "./imports.ts";
import type { MoveTasks } from "./moves.ts";
import { readUploadBody, type UploadBody } from "./multipart.ts";
import type { EndpointClass, QuotaBook } from "./quota.ts";
import type { QuirkBook } from "../quirks.ts";
import { EMPTY_MD5, md5Hex } from "./signature.ts";
import {
  asyncUploadBody,
  createFolderBody,
  destroyBody,
  listQuery,
  moveBody,
  parseJsonBody,
  parseWith,
  renameBody,
} from "./validation.ts";

export const APPSPACE_PREFIX = "/api/v1/openapi";
export const MAX_DIRECT_UPLOAD_BYTES = 64 * 1024 * 1024;
const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** Room for the multipart framing and the small fields around the file part. */
const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

export interface AppspaceContext {
  app: AppCredentials;
  now: () => number;
  tree: FileTree;
  blobs: BlobStore;
  md5Pool: Md5Pool;
  quota: QuotaBook;
  moves: MoveTasks;
  imports: ImportTasks;
  links: DownloadLinks;
  content: ContentStore;
  baseUrl: () => string;
  /** Answers outside docsync's contract, when asked to (see sandbox/quirks.ts). */
  quirks: QuirkBook;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** The quota class of an application-space endpoint. */
    quota?: EndpointClass;
  }
}

const ok = (data: unknown) => ({ code: 0, data });

function isMultipart(request: FastifyRequest): boolean {
  return /^multipart\/form-data/i.test(request.headers["content-type"] ?? "");
}

function single(fields: Map<string, string[]>, name: string): string | undefined {
  const values = fields.get(name);
  if (values === undefined) return undefined;
  if (values.length > 1) throw badArgument(name, "sent more than once");
  return values[0];
}

export function appspaceRoutes(ctx: AppspaceContext): FastifyPluginAsync {
  return async (app) => {
    const signed = new WeakMap<FastifyRequest, SignedRequest>();

    // Bodies stay raw: the signature covers the exact bytes, and uploads must stream.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("multipart/form-data", (_request, payload, done) => done(null, payload));
    app.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: MAX_JSON_BODY_BYTES },
      (_request, body, done) => done(null, body),
    );

    app.setErrorHandler((error, request, reply) => {
      const apiError = toApiError(error);
      if (apiError.status >= 500) request.log.error(error);
      if (apiError.retryAfter !== undefined) reply.header("retry-after", String(apiError.retryAfter));
      return reply.code(apiError.status).send(apiError.body());
    });

    app.addHook("preHandler", async (request) => {
      const kind = request.routeOptions.config.quota;
      if (kind === undefined) return;
      const verified = verifySignedHeaders(request.headers, ctx.app, ctx.now());
      if (request.method === "GET" || request.method === "HEAD") {
        verifyContentMd5(verified.claimedMd5, md5Hex(request.url), `the request URI "${request.url}"`);
      } else if (!isMultipart(request)) {
        const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
        if (body) verifyContentMd5(verified.claimedMd5, md5Hex(body), "the body");
        // Without a body, outside clients sign the request URI as for a GET; the MD5 of nothing works too.
        else if (verified.claimedMd5 !== md5Hex(request.url)) {
          verifyContentMd5(
            verified.claimedMd5,
            EMPTY_MD5,
            `an empty body (or of the request URI "${request.url}")`,
          );
        }
      }
      ctx.quota.charge(verified.appId, `${request.method} ${request.routeOptions.url}`, kind);
      signed.set(request, verified);
    });

    const read = { config: { quota: "read" as const } };
    const write = { config: { quota: "write" as const } };

    app.get("/appspace/files", read, async (request) => {
      const query = parseWith(listQuery, request.query, "query");
      ctx.tree.requireFolder(query.parent_token, "parent_token");
      return ok(ctx.tree.list(query.parent_token, query.offset, query.count));
    });

    app.get<{ Params: { file_token: string } }>("/appspace/files/:file_token", read, async (request) => {
      return ok(toFileObject(ctx.tree.require(request.params.file_token, "file_token")));
    });

    app.post("/appspace/folders", write, async (request) => {
      const body = parseJsonBody(request.body, request.headers["content-type"], createFolderBody);
      return ok(toFileObject(ctx.tree.createFolder(body.parent_token, body.name)));
    });

    app.put<{ Params: { file_token: string } }>(
      "/appspace/files/:file_token/name",
      write,
      async (request) => {
        const body = parseJsonBody(request.body, request.headers["content-type"], renameBody);
        return ok(toFileObject(ctx.tree.rename(request.params.file_token, body.new_name)));
      },
    );

    app.delete<{ Params: { file_token: string } }>(
      "/appspace/files/:file_token/destroy",
      write,
      async (request) => {
        parseJsonBody(request.body, request.headers["content-type"], destroyBody);
        const removed = ctx.tree.destroy(request.params.file_token);
        for (const md5 of new Set(removed)) await ctx.content.release(md5);
        return ok({});
      },
    );

    app.get<{ Params: { file_token: string } }>(
      "/appspace/files/:file_token/download",
      write,
      async (request) => {
        const file = ctx.tree.require(request.params.file_token, "file_token");
        if (file.type !== "file") throw badArgument("file_token", "a folder has no download address");
        const id = ctx.links.create(file);
        return ok({ url: `${ctx.baseUrl()}${DOWNLOAD_PATH_PREFIX}${id}`, size: file.size, md5: file.md5 });
      },
    );

    app.post("/appspace/files/upload", write, async (request) => {
      if (!isMultipart(request)) {
        throw badArgument("Content-Type", "must be multipart/form-data with a boundary for this endpoint");
      }
      const declaredLength = Number(request.headers["content-length"] ?? "0");
      if (declaredLength > MAX_DIRECT_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES) {
        throw tooLarge(
          `file: the body is ${declaredLength} bytes; direct upload takes files up to ${MAX_DIRECT_UPLOAD_BYTES} bytes, use the async upload`,
        );
      }
      const verified = signed.get(request)!;
      const body = await readUploadBody(
        request.body as Readable,
        request.headers,
        ctx.blobs,
        MAX_DIRECT_UPLOAD_BYTES,
        ctx.md5Pool,
      );
      try {
        try {
          verifyContentMd5(verified.claimedMd5, body.bodyMd5, "the multipart body");
        } catch (error) {
          ctx.quota.refund(verified.appId, `${request.method} ${request.routeOptions.url}`);
          throw error;
        }
        return ok(toFileObject(await storeUpload(ctx, body)));
      } finally {
        if (body.file) await ctx.blobs.discard(body.file.tempPath);
      }
    });

    app.post("/appspace/file/async/upload", write, async (request) => {
      const parsed = parseJsonBody(request.body, request.headers["content-type"], asyncUploadBody);
      // The page lists url, filename, creator and parent_token: a service may ignore the rest.
      const body: typeof parsed = ctx.quirks.ignoreUndocumented
        ? { ...parsed, file_token: undefined, parent_path: undefined }
        : parsed;
      validateName("filename", body.filename);
      checkPlacement(ctx.tree, body.parent_token, body.parent_path, body.file_token, {
        versionInItsFolder: true,
      });
      body.parent_path?.forEach((segment) => validateName("parent_path", segment));
      if (body.file_token === undefined) {
        const parent = body.parent_path
          ? ctx.tree.findPath(ROOT_TOKEN, body.parent_path)
          : ctx.tree.requireFolder(body.parent_token ?? ROOT_TOKEN, "parent_token").token;
        if (parent !== undefined && ctx.tree.childNamed(parent, body.filename)) {
          throw conflict(`filename: the name "${body.filename}" is already taken in this folder`);
        }
      }
      return ok({ task_id: ctx.imports.start(body) });
    });

    app.get<{ Params: { task_id: string } }>(
      "/appspace/file/async/upload/:task_id",
      read,
      async (request) => {
        return ok(ctx.quirks.taskView("import", ctx.imports.get(request.params.task_id), "queued"));
      },
    );

    app.post("/appspace/tasks/files/move", write, async (request) => {
      const body = parseJsonBody(request.body, request.headers["content-type"], moveBody);
      return ok({ task_id: ctx.moves.start(body, { asTask: ctx.quirks.unfamiliar }) });
    });

    app.get<{ Params: { task_id: string } }>("/appspace/tasks/:task_id", read, async (request) => {
      return ok(ctx.quirks.taskView("move", ctx.moves.get(request.params.task_id), "running"));
    });
  };
}

/**
 * The placement rules of uploads (section 1.7): a folder, a path, or an existing file's place. The
 * async upload's page lists `parent_token` [doc], so a client may send it beside `file_token`, naming
 * the folder the file is in.
 */
function checkPlacement(
  tree: FileTree,
  parentToken: string | undefined,
  parentPath: string[] | undefined,
  fileToken: string | undefined,
  options: { versionInItsFolder?: boolean } = {},
): void {
  if (parentToken !== undefined && parentPath !== undefined) {
    throw badArgument("parent_path", "send either parent_token or parent_path, not both");
  }
  if (fileToken !== undefined) {
    const file = tree.require(fileToken, "file_token");
    if (file.type !== "file") throw badArgument("file_token", `"${fileToken}" is a folder, not a file`);
    const inItsFolder = options.versionInItsFolder && parentToken === file.parent && parentPath === undefined;
    if ((parentToken !== undefined || parentPath !== undefined) && !inItsFolder) {
      throw badArgument(
        "file_token",
        "a new version keeps the file's name and folder; send neither parent_token nor parent_path" +
          (options.versionInItsFolder ? ", or the parent_token of the folder the file is in" : ""),
      );
    }
  }
}

async function storeUpload(ctx: AppspaceContext, body: UploadBody): Promise<FileRow> {
  const file = body.file;
  if (!file) throw badArgument("file", 'is required: a part named "file" with a filename');
  const parentToken = single(body.fields, "parent_token");
  const parentPath = body.fields.get("parent_path");
  const fileToken = single(body.fields, "file_token");
  checkPlacement(ctx.tree, parentToken, parentPath, fileToken);
  if (fileToken !== undefined) {
    const { row, replacedMd5 } = await ctx.content.keep(file, () =>
      ctx.tree.addVersion(fileToken, file.size, file.md5),
    );
    await ctx.content.release(replacedMd5);
    return row;
  }
  validateName("file", file.filename);
  const parent =
    parentPath !== undefined
      ? ctx.tree.ensurePath(ROOT_TOKEN, parentPath)
      : ctx.tree.requireFolder(parentToken ?? ROOT_TOKEN, "parent_token").token;
  if (ctx.tree.childNamed(parent, file.filename)) {
    throw conflict(`file: the name "${file.filename}" is already taken in this folder`);
  }
  return ctx.content.keep(file, () => ctx.tree.addFile(parent, file.filename, file.size, file.md5));
}
