/**
 * The local cloud: KDocs application space, KDocs scripts, iFlytek OST and Huawei KooDrive on one
 * loopback HTTP server, sharing its faults and request counts.
 */
import Fastify, { type FastifyReply } from "fastify";
import type { z } from "zod";
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobStore } from "./appspace/blobs.ts";
import { openDatabase } from "./appspace/database.ts";
import { DownloadLinks, downloadRoutes } from "./appspace/downloads.ts";
import { FileTree } from "./appspace/files.ts";
import { ContentStore } from "./appspace/content.ts";
import { ImportTasks } from "./appspace/imports.ts";
import { Md5Pool } from "./appspace/md5.ts";
import { MoveTasks } from "./appspace/moves.ts";
import { PLAN_LIMITS, QuotaBook, type Plan } from "./appspace/quota.ts";
import { APPSPACE_PREFIX, appspaceRoutes } from "./appspace/routes.ts";
import { accessGuard, CONTROL_TOKEN_HEADER } from "./control-access.ts";
import { demoCredentials } from "./credentials.ts";
import { CONTROL_PREFIX, FaultInjector, faultSpecSchema, type FaultSpec } from "./faults.ts";
import { QuirkBook, quirksSchema, type Quirks } from "./quirks.ts";
import { DEFAULT_USERS } from "./koodrive/auth.ts";
import { LOGIN_PATH, koodrivePlugin, type UserSpec } from "./koodrive/plugin.ts";
import { ostPlugin } from "./ost/plugin.ts";
import { scriptsPlugin } from "./scripts/plugin.ts";
import { ScriptService } from "./scripts/runs.ts";

export type { FaultSpec } from "./faults.ts";
export type { Quirks } from "./quirks.ts";
export { CONTROL_TOKEN_HEADER } from "./control-access.ts";
export type { Plan } from "./appspace/quota.ts";
export type { UserSpec } from "./koodrive/plugin.ts";

export interface SandboxOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default: a temp folder removed on close. */
  dataDir?: string;
  /** Default: demo credentials generated once per data folder. */
  appId?: string;
  appKey?: string;
  /** Default "production". */
  plan?: Plan;
  /** Overrides the plan's daily figures per endpoint. */
  quota?: { writes?: number; reads?: number };
  faults?: FaultSpec;
  /** The server clock (ms); default Date.now. */
  now?: () => number;
  /** Pace of batch-move tasks; default 50. */
  moveItemsPerSecond?: number;
  ost?: { appId?: string; apiKey?: string; apiSecret?: string };
  /** The user access_token the script endpoints accept; default: a demo token kept per data folder. */
  scriptsAccessToken?: string;
  /** KooDrive: who may sign in (default demo / demo) and the pace of its jobs and packages (default 20/s). */
  koodrive?: { users?: UserSpec[]; itemsPerSecond?: number };
  /** Answers outside docsync's contract, as a real service might give them (sandbox/quirks.ts). */
  quirks?: Quirks;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  /** What the control routes (/__sandbox/) need in the CONTROL_TOKEN_HEADER header; kept per data folder. */
  controlToken: string;
  appId: string;
  appKey: string;
  dataDir: string;
  ost: { appId: string; apiKey: string; apiSecret: string };
  /** The user access_token of the script endpoints (personal space). */
  scriptsAccessToken: string;
  /** The KooDrive user tests and the demo sign in as (the first of `koodrive.users`). */
  koodriveUser: UserSpec;
  /** Signs in to KooDrive (as `koodriveUser` unless told otherwise) and answers a fresh Bearer token. */
  koodriveToken(user?: UserSpec): Promise<string>;
  setFaults(spec: FaultSpec | null): void;
  setQuirks(quirks: Quirks): void;
  /** Requests received per endpoint ("POST /api/v1/openapi/appspace/files/upload"), faults included. */
  stats(): Record<string, number>;
  resetStats(): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "docsync-sandbox-")));
  mkdirSync(join(dataDir, "ost"), { recursive: true });
  const demo = demoCredentials(dataDir);
  const app = { appId: options.appId ?? demo.appId, appKey: options.appKey ?? demo.appKey };
  const ost = {
    appId: options.ost?.appId ?? demo.ost.appId,
    apiKey: options.ost?.apiKey ?? demo.ost.apiKey,
    apiSecret: options.ost?.apiSecret ?? demo.ost.apiSecret,
  };

  const db = openDatabase(join(dataDir, "appspace.sqlite"));
  const md5Pool = new Md5Pool(2);
  const blobs = new BlobStore(dataDir, md5Pool);
  const tree = new FileTree(db, now);
  const links = new DownloadLinks(db, now);
  const content = new ContentStore(blobs, tree, links);
  const plan = PLAN_LIMITS[options.plan ?? "production"];
  const quota = new QuotaBook(
    db,
    { writes: options.quota?.writes ?? plan.writes, reads: options.quota?.reads ?? plan.reads },
    now,
  );
  const moves = new MoveTasks(db, tree, options.moveItemsPerSecond ?? 50, now);
  const imports = new ImportTasks(db, tree, blobs, content, now);
  const faults = new FaultInjector(options.faults ?? null);
  const quirks = new QuirkBook(options.quirks);
  const scripts = new ScriptService({
    dataDir,
    now,
    // Personal-space file ids are the application space's file tokens.
    documentKind: (fileId) => tree.get(fileId)?.type,
    ...(options.scriptsAccessToken !== undefined ? { accessToken: options.scriptsAccessToken } : {}),
  });
  let stats: Record<string, number> = {};
  let url = "";
  const controlToken = demo.controlToken;

  const server = Fastify({
    // URLs the router cannot take (bad escapes, over-long tokens) get the same envelope as the rest.
    frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) =>
      reply.code(400).send({ code: 40001, msg: `request: ${error.message}` }),
    logger: false,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 256 },
  });

  server.addHook(
    "onRequest",
    accessGuard(controlToken, () => (server.server.address() as AddressInfo).port),
  );
  server.addHook("onRequest", async (request) => {
    if (request.url.startsWith(CONTROL_PREFIX)) return;
    const key = `${request.method} ${request.routeOptions.url ?? request.url.split("?")[0]}`;
    stats[key] = (stats[key] ?? 0) + 1;
  });
  server.addHook("onRequest", faults.hook);

  server.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 40004, msg: `no endpoint ${request.method} ${request.url.split("?")[0]}` }),
  );

  /** A setting tests change while the server runs: POST sets it (answering what is now set), GET reads it. */
  const control = <T>(name: string, schema: z.ZodType<T>, set: (value: T) => void, get: () => unknown) => {
    server.post(`${CONTROL_PREFIX}${name}`, async (request, reply) => {
      const parsed = schema.safeParse(request.body ?? null);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return reply
          .code(400)
          .send({ code: 40001, msg: `${issue.path.join(".") || "body"}: ${issue.message}` });
      }
      set(parsed.data);
      return { code: 0, data: get() };
    });
    server.get(`${CONTROL_PREFIX}${name}`, async () => ({ code: 0, data: get() }));
  };
  control(
    "faults",
    faultSpecSchema.nullable(),
    (spec) => faults.set(spec),
    () => faults.get(),
  );
  control(
    "quirks",
    quirksSchema,
    (next) => quirks.set(next),
    () => quirks.get(),
  );
  server.get(`${CONTROL_PREFIX}stats`, async () => ({ code: 0, data: stats }));
  server.delete(`${CONTROL_PREFIX}stats`, async () => {
    stats = {};
    return { code: 0, data: {} };
  });

  await server.register(downloadRoutes(links, blobs));
  await server.register(
    appspaceRoutes({
      app,
      now,
      tree,
      blobs,
      md5Pool,
      quota,
      moves,
      imports,
      links,
      content,
      baseUrl: () => url,
      quirks,
    }),
    { prefix: APPSPACE_PREFIX },
  );
  await server.register(ostPlugin({ dataDir: join(dataDir, "ost"), ...ost, now, baseUrl: () => url }));
  await server.register(scriptsPlugin(scripts, quirks));
  const koodriveUsers = options.koodrive?.users ?? DEFAULT_USERS;
  await server.register(
    koodrivePlugin({
      dataDir,
      now,
      baseUrl: () => url,
      users: koodriveUsers,
      quirks,
      ...(options.koodrive?.itemsPerSecond !== undefined
        ? { itemsPerSecond: options.koodrive.itemsPerSecond }
        : {}),
    }),
  );

  try {
    await server.listen({ port: options.port ?? 0, host: "127.0.0.1" });
  } catch (error) {
    await server.close().catch(() => {});
    await scripts.close();
    db.close();
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  moves.resumeAll();
  imports.resumeAll();

  let closing: Promise<void> | undefined;
  return {
    url,
    controlToken,
    appId: app.appId,
    appKey: app.appKey,
    dataDir,
    ost,
    scriptsAccessToken: scripts.accessToken,
    koodriveUser: koodriveUser(koodriveUsers),
    koodriveToken: async (user = koodriveUser(koodriveUsers)) => {
      const response = await fetch(`${url}${LOGIN_PATH}`, {
        method: "POST",
        headers: { "content-type": "application/json", [CONTROL_TOKEN_HEADER]: controlToken },
        body: JSON.stringify({ name: user.name, password: user.password }),
      });
      const answer = (await response.json()) as { code?: unknown; msg?: unknown; token?: unknown };
      if (answer.code !== 0 || typeof answer.token !== "string") {
        throw new Error(`KooDrive sign-in as ${user.name} failed: ${String(answer.msg ?? response.status)}`);
      }
      return answer.token;
    },
    setFaults: (spec) => faults.set(spec),
    setQuirks: (next) => quirks.set(next),
    stats: () => ({ ...stats }),
    resetStats: () => {
      stats = {};
    },
    close: () =>
      (closing ??= (async () => {
        moves.close();
        await imports.close();
        await server.close();
        await scripts.close();
        await md5Pool.close();
        db.close();
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}

function koodriveUser(users: UserSpec[]): UserSpec {
  const first = users[0];
  if (!first) throw new Error("the local KooDrive needs at least one user");
  return first;
}
