/**
 * Huawei KooDrive on the local cloud (docs/koodrive-api.md): the drive endpoints under
 * /koodrive/ose/v1 with Bearer tokens, part URLs for uploads, package downloads, and a sandbox-only
 * sign-in that issues tokens.
 */
import { createReadStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { Accounts, DEFAULT_USERS, type KooUser, type UserSpec } from "./auth.ts";
import { KooBlobs } from "./blobs.ts";
import { openKooDatabase } from "./database.ts";
import { badParameter, toKooError } from "./errors.ts";
import { FileTree, MAX_PAGE_SIZE, ROOT_ID, toWireFile } from "./files.ts";
import { Jobs } from "./jobs.ts";
import { Pacer } from "./pace.ts";
import { DOWNLOAD_PREFIX, ShareTasks } from "./share-tasks.ts";
import { FILE_LINK_PREFIX, FileLinks } from "./file-links.ts";
import { Shares } from "./shares.ts";
import { QuirkBook } from "../quirks.ts";
import { UPLOAD_PREFIX, Uploads } from "./uploads.ts";
import { z } from "zod";
import {
  completeBody,
  createFileBody,
  createRevisionBody,
  detailBody,
  directoryBody,
  downloadBody,
  jobBody,
  listBody,
  loginBody,
  parseWith,
  renameBody,
  shareBody,
  shareCancelBody,
  shareTaskBody,
  taskDetailBody,
  uploadUrlBody,
} from "./validation.ts";

export const KOODRIVE_PREFIX = "/koodrive/ose/v1";
export const LOGIN_PATH = "/__sandbox/koodrive/login";
export const PACE_PATH = "/__sandbox/koodrive/pace";
export { TOKEN_LIFETIME_MS, type UserSpec } from "./auth.ts";

export interface KooDriveOptions {
  /** The sandbox's data folder: koodrive.db, koodrive-blobs/ and koodrive-packages/ go inside. */
  dataDir: string;
  /** The server clock (ms): token expiry and every time stamp follow it. */
  now: () => number;
  /** The public base URL of the server, for part URLs and package download URLs. */
  baseUrl: () => string;
  /** Who may sign in; default one user "demo" with password "demo". */
  users?: UserSpec[];
  /** Pace of jobs and package downloads; default 20 items a second. */
  itemsPerSecond?: number;
  /** Answers outside docsync's contract, when asked to (see sandbox/quirks.ts). */
  quirks?: QuirkBook;
}
const sandboxOk = (fields: Record<string, unknown>) => ({ code: 0, msg: "success", ...fields });
const paceBody = z.object({ itemsPerSecond: z.number().positive().max(1_000_000) });

export function koodrivePlugin(options: KooDriveOptions): FastifyPluginAsync {
  return async (fastify) => {
    mkdirSync(options.dataDir, { recursive: true });
    const { now } = options;
    const quirks = options.quirks ?? new QuirkBook();
    // The vendor's table types `code` as a String; the unfamiliar mode sends it so.
    const ok = (fields: Record<string, unknown> = {}) => ({
      code: quirks.unfamiliar ? "0" : 0,
      msg: "success",
      ...fields,
    });
    const db = openKooDatabase(join(options.dataDir, "koodrive.db"));
    const accounts = new Accounts(db, options.users ?? DEFAULT_USERS, now);
    const tree = new FileTree(db, now);
    accounts.userIds().forEach((userId) => tree.ensureRoot(userId));
    const blobs = new KooBlobs(options.dataDir);
    const fileLinks = new FileLinks(db, tree, now);
    const release = async (sha256s: string[]) => {
      for (const sha256 of new Set(sha256s)) {
        if (!tree.isContentUsed(sha256) && !fileLinks.isContentLinked(sha256)) await blobs.remove(sha256);
      }
    };
    const pacer = new Pacer(options.itemsPerSecond ?? 20);
    const uploads = new Uploads(db, tree, blobs, now, release);
    const jobs = new Jobs(db, tree, pacer, now, release);
    const links = new Shares(db, tree, now);
    const shares = new ShareTasks(db, tree, blobs, pacer, links, now, options.dataDir);
    jobs.resumeAll();
    shares.resumeAll();

    fastify.addHook("onClose", async () => {
      await pacer.close();
      await shares.close();
      db.close();
    });

    await fastify.register(async (app) => {
      setErrorHandler(app);
      // The local cloud's own routes keep the number 0, whatever the drive API's answers do.
      app.post(LOGIN_PATH, async (request) => {
        const body = parseWith(loginBody, request.body);
        const session = accounts.signIn(body.name, body.password);
        return sandboxOk({
          token: session.token,
          userId: session.user.userId,
          containerId: session.user.containerId,
          expiresIn: session.expiresIn,
        });
      });
      app.post(PACE_PATH, async (request) => {
        pacer.itemsPerSecond = parseWith(paceBody, request.body).itemsPerSecond;
        return sandboxOk({ itemsPerSecond: pacer.itemsPerSecond });
      });
    });

    await fastify.register(
      async (app) => {
        setErrorHandler(app);
        const users = new WeakMap<FastifyRequest, KooUser>();
        app.addHook("preHandler", async (request, reply) => {
          const trace = request.headers["x-traceid"];
          if (trace !== undefined) {
            if (typeof trace !== "string" || !/^[\x21-\x7e]{1,64}$/.test(trace)) {
              throw badParameter("X-Traceid", "must be up to 64 printable characters");
            }
            void reply.header("x-traceid", trace);
          }
          users.set(request, accounts.authenticate(request.headers.authorization));
        });
        const userOf = (request: FastifyRequest, containerId?: string) => {
          const user = users.get(request)!;
          accounts.checkContainer(user, containerId);
          return user;
        };
        const base = () => options.baseUrl();

        app.post<{ Params: { type: string } }>("/files/:type", async (request) => {
          if (request.params.type !== "0") {
            throw badParameter(
              "type",
              "the local cloud lists 0 (the personal space); it keeps no recycle bin",
            );
          }
          const body = parseWith(listBody, request.body);
          const user = userOf(request, body.containerId);
          tree.requireFolder(user.userId, body.parentFileId, "parentFileId");
          const offset = decodeCursor(body.pageInfo?.pageCursor);
          const size = body.pageInfo?.pageSize ?? MAX_PAGE_SIZE;
          const page = tree.list(user.userId, body.parentFileId, offset, size);
          return ok({
            category: "drive#fileList",
            files: page.rows.map((row) => toWireFile(row, user.containerId)),
            ...(page.more ? { nextCursor: encodeCursor(offset + size) } : {}),
          });
        });

        app.post<{ Params: { fileId: string } }>("/files/:fileId/detail", async (request) => {
          const body = parseWith(detailBody, request.body);
          const user = userOf(request, body.containerId);
          return ok(toWireFile(tree.require(user.userId, request.params.fileId, "fileId"), user.containerId));
        });

        app.post("/files/download", async (request) => {
          const body = parseWith(downloadBody, request.body);
          const user = userOf(request, body.containerId);
          return ok(fileLinks.create(user.userId, body.fileIds, base()));
        });

        app.post("/directory", async (request) => {
          const body = parseWith(directoryBody, request.body);
          const user = userOf(request, body.containerId);
          const parent = body.parentFolder?.[0] ?? ROOT_ID;
          const row = tree.createFolder(user.userId, parent, body.fileName, body.renameMode ?? 3);
          return ok(toWireFile(row, user.containerId));
        });

        app.post<{ Params: { fileId: string } }>("/files/rename/:fileId", async (request) => {
          const body = parseWith(renameBody, request.body);
          const user = userOf(request, body.containerId);
          tree.rename(user.userId, request.params.fileId, body.name, body.renameMode ?? 3);
          return ok();
        });

        app.post("/files/create", async (request) => {
          const body = parseWith(createFileBody, request.body);
          const user = userOf(request, body.containerId);
          const answer = uploads.create(
            user.userId,
            {
              fileName: body.fileName,
              parent: body.parentFolder?.[0],
              length: body.length,
              sha256: body.sha256,
              mode: body.uploadMode,
              renameMode: body.autoRename,
              parts: body.multiParts,
            },
            base(),
          );
          return ok({ ...answer, containerId: user.containerId });
        });

        app.post("/revision/createRevision", async (request) => {
          const body = parseWith(createRevisionBody, request.body);
          const user = userOf(request, body.containerId);
          const answer = await uploads.createRevision(
            user.userId,
            { fileId: body.fileId, length: body.length, mode: body.uploadMode, parts: body.multiParts },
            base(),
          );
          return ok({ ...answer, containerId: user.containerId });
        });

        app.post("/files/multipart/uploadUrl", async (request) => {
          const body = parseWith(uploadUrlBody, request.body);
          const user = userOf(request, body.containerId);
          return ok({
            multiParts: uploads.uploadUrls(user.userId, body.fileId, body.uploadId, body.multiParts, base()),
          });
        });

        app.post("/files/complete", async (request) => {
          const body = parseWith(completeBody, request.body);
          const user = userOf(request, body.containerId);
          await uploads.complete(user.userId, "create", body.fileId, body.uploadId, body.sha256);
          return ok();
        });

        app.post("/revision/completeRevision", async (request) => {
          const body = parseWith(completeBody, request.body);
          const user = userOf(request, body.containerId);
          await uploads.complete(user.userId, "revision", body.fileId, body.uploadId, body.sha256);
          return ok();
        });

        app.post("/jobs", async (request) => {
          const body = parseWith(jobBody, request.body);
          const user = userOf(request, body.dstContainerId);
          accounts.checkContainer(user, body.taskInfo.srcContainerId);
          const id = jobs.start(user.userId, {
            taskType: body.taskType,
            actionType: body.actionType,
            fileIds: body.taskInfo.fileInfo.map((item) => item.fileId),
            target: body.taskInfo.newFilePath,
          });
          return ok({ data: id });
        });

        app.get<{ Params: { jobId: string } }>("/:jobId", async (request) => {
          const user = userOf(request);
          const view = jobs.view(user.userId, request.params.jobId, user.containerId);
          if (quirks.unfamiliar) {
            const jobInfo = { ...view.jobInfo, traceId: `trace-${view.jobInfo.taskId.slice(0, 8)}` };
            if (quirks.firstAnswer("job", view.jobInfo.taskId)) jobInfo.status = 4;
            return ok({ data: { ...view, jobInfo } });
          }
          return ok({ data: view });
        });

        app.post("/share", async (request) => {
          const body = parseWith(shareBody, request.body);
          const user = userOf(request, body.containerId);
          return ok({ shareLink: links.create(user.userId, body, base()) });
        });

        app.post("/share/cancel", async (request) => {
          const body = parseWith(shareCancelBody, request.body);
          return ok({ subResponseList: links.cancel(userOf(request).userId, body.shareIds) });
        });

        app.post("/share/tasks", async (request) => {
          const body = parseWith(shareTaskBody, request.body);
          const user = userOf(request, body.containerId);
          return ok({ taskId: shares.start(user.userId, body) });
        });

        app.post("/share/taskDetail", async (request) => {
          const body = parseWith(taskDetailBody, request.body);
          const user = userOf(request);
          const taskInfo = shares.view(user.userId, body.taskId, body.shareId, base());
          if (quirks.firstAnswer("package", taskInfo.taskId)) {
            return ok({ taskInfo: { ...taskInfo, taskStatus: 4, downloadUrl: "" } });
          }
          return ok({ taskInfo });
        });
      },
      { prefix: KOODRIVE_PREFIX },
    );

    // Part and package addresses carry their own secret, like presigned URLs: no token.
    await fastify.register(async (app) => {
      setErrorHandler(app);
      app.removeAllContentTypeParsers();
      app.addContentTypeParser("*", (_request, payload, done) => done(null, payload));

      app.put<{ Params: { uploadId: string; part: string } }>(
        `${UPLOAD_PREFIX}:uploadId/:part`,
        async (request) => {
          const part = /^\d{1,5}$/.test(request.params.part) ? Number(request.params.part) : Number.NaN;
          if (!(part >= 1)) throw badParameter("partNumber", "must be a whole number from 1");
          const length = request.headers["content-length"];
          const body = (request.body ?? request.raw) as Readable;
          await uploads.receivePart(
            request.params.uploadId,
            part,
            length === undefined ? undefined : Number(length),
            body,
          );
          return ok();
        },
      );

      app.get<{ Params: { linkId: string } }>(`${FILE_LINK_PREFIX}:linkId`, async (request, reply) => {
        const link = fileLinks.resolve(request.params.linkId);
        if (link?.size === 0) return reply.header("content-type", "application/octet-stream").send("");
        if (!link || !blobs.has(link.sha256)) {
          return reply
            .code(404)
            .send({ code: "13000309", msg: "this download address is unknown or expired" });
        }
        return reply
          .header("content-type", "application/octet-stream")
          .header("content-length", link.size)
          .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(link.name)}`)
          .send(createReadStream(blobs.path(link.sha256)));
      });

      app.get<{ Params: { downloadId: string } }>(`${DOWNLOAD_PREFIX}:downloadId`, async (request, reply) => {
        const found = await shares.package(request.params.downloadId);
        if (!found) return reply.code(404).send({ code: "13000407", msg: "no package at this address" });
        return reply
          .header("content-type", "application/zip")
          .header("content-length", found.size)
          .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(found.name)}`)
          .send(createReadStream(found.path));
      });
    });
  };
}

function setErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, _request, reply) => {
    const failure = toKooError(error);
    return reply.code(failure.status).send(failure.body());
  });
}

/** Listing cursors are opaque to clients [ours]: the offset of the next page. */
function encodeCursor(offset: number): string {
  return Buffer.from(`o${offset}`).toString("base64url");
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === "") return 0;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^o\d{1,12}$/.test(text))
    throw badParameter("pageInfo.pageCursor", "is not a cursor this server gave out");
  return Number(text.slice(1));
}
