/**
 * The cloud clients a scenario can run on, each built against the running local cloud with short
 * retry delays so fault tests stay fast.
 */
import type { Sandbox, SandboxOptions } from "../sandbox/server.ts";
import { createKdocsProvider, type KdocsProvider } from "../electron/core/cloud/kdocs/provider.ts";
import { createKooDriveProvider, type KooDriveProvider } from "../electron/core/cloud/koodrive/provider.ts";
import type { CloudProvider } from "../electron/core/cloud/provider.ts";

/** How a scenario reaches one cloud service on the local cloud. */
export interface ScenarioCloud<P extends CloudProvider & { close(): void }> {
  /** Endpoints that each carry one upload of content; a scenario's `uploads()` counts their requests. */
  uploadEndpoints: readonly string[];
  /** The endpoint that renames one cloud item in place. */
  renameEndpoint: string;
  /** The endpoint that starts one batch move (any number of items in one request). */
  moveEndpoint: string;
  /** The local cloud settings this service needs, on top of the test's own. */
  sandboxOptions?(options: SandboxOptions): SandboxOptions;
  connect(sandbox: Sandbox): P | Promise<P>;
}

const retry = { baseDelayMs: 20, maxDelayMs: 200 };

export const importEndpoint = "POST /api/v1/openapi/appspace/file/async/upload";

export interface KdocsCloudOptions {
  /** Give the account the sandbox's OST credentials, so files over 64 MiB are staged there. */
  largeFiles?: boolean;
  /** The client's clock (its request signatures carry the time). */
  providerNow?: () => number;
}

export function kdocsCloud(options: KdocsCloudOptions = {}): ScenarioCloud<KdocsProvider> {
  return {
    uploadEndpoints: ["POST /api/v1/openapi/appspace/files/upload"],
    renameEndpoint: "PUT /api/v1/openapi/appspace/files/:file_token/name",
    moveEndpoint: "POST /api/v1/openapi/appspace/tasks/files/move",
    connect: (sandbox) =>
      createKdocsProvider({
        baseUrl: sandbox.url,
        appId: sandbox.appId,
        appKey: sandbox.appKey,
        ...(options.largeFiles ? { largeFiles: { baseUrl: sandbox.url, ...sandbox.ost } } : {}),
        ...(options.providerNow ? { now: options.providerNow } : {}),
        retry,
      }),
  };
}

const KOODRIVE_API = "/koodrive/ose/v1";

/** `partSize`: bytes per upload part (KooDrive takes 5 MiB and more), to make small files multipart. */
export function kooDriveCloud(options: { partSize?: number } = {}): ScenarioCloud<KooDriveProvider> {
  return {
    // A new file's upload and a new version's upload: each is one upload of content.
    uploadEndpoints: [`POST ${KOODRIVE_API}/files/create`, `POST ${KOODRIVE_API}/revision/createRevision`],
    renameEndpoint: `POST ${KOODRIVE_API}/files/rename/:fileId`,
    // Moves (like deletes) are jobs on KooDrive.
    moveEndpoint: `POST ${KOODRIVE_API}/jobs`,
    // The service's own pace (20 items a second) would make every scenario slow.
    sandboxOptions: (options) => ({ ...options, koodrive: { itemsPerSecond: 200, ...options.koodrive } }),
    connect: async (sandbox) =>
      createKooDriveProvider({
        baseUrl: sandbox.url,
        token: await sandbox.koodriveToken(),
        refreshToken: () => sandbox.koodriveToken(),
        retry,
        pollIntervalMs: 20,
        ...(options.partSize ? { partSize: options.partSize } : {}),
      }),
  };
}

/**
 * The clouds every shared scenario runs on, for `describe.each`: each test names the case, the suite
 * names the cloud.
 */
export const everyCloud: ReadonlyArray<
  readonly [name: string, cloud: () => ScenarioCloud<CloudProvider & { close(): void }>]
> = [
  ["KDocs", () => kdocsCloud()],
  ["KooDrive", () => kooDriveCloud()],
];
