/**
 * "Download as zip": the service packs the selection into one zip (a server task whose percent the
 * shared poller reports), then the package is saved into the folder the user chose, as a `.part`
 * file moved into place without overwriting anything. The task ends with the saved path in its phase.
 */
import { rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { CloudError } from "../cloud/errors.ts";
import { waitingPhase, type CloudProvider, type RemoteEntry, type ServerTaskRef } from "../cloud/provider.ts";
import { ipcFailure } from "../ipc-error.ts";
import type { Job, JobRunner } from "../tasks/runner.ts";
import { failureText, plural } from "../tasks/words.ts";
import { freeName, placeWithoutOverwrite, prepareFolder, safeFileName } from "./save-path.ts";

/** What a provider offers when its service can pack files into one zip. */
export interface ZipPackaging {
  startZipDownload(ids: string[], zipName?: string, signal?: AbortSignal): Promise<ServerTaskRef>;
  /** Saves the finished package to `destination`. */
  downloadZip(taskId: string, destination: string, signal?: AbortSignal): Promise<{ bytes: number }>;
}

export function canPackZip(provider: CloudProvider): provider is CloudProvider & ZipPackaging {
  const candidate = provider as Partial<ZipPackaging>;
  return typeof candidate.startZipDownload === "function" && typeof candidate.downloadZip === "function";
}

/** The phase a finished download shows; the UI reads the path back from it. */
export const SAVED_PREFIX = "Saved to ";

export interface ZipDownloadSpec {
  accountId: string;
  entryIds: string[];
  destinationDir: string;
}

/** Persisted with the task, so a download interrupted by a restart picks up its package again. */
interface ZipDownloadState extends ZipDownloadSpec {
  zipName: string;
  packageTaskId?: string;
}

export interface ZipDownloadDeps {
  runner: JobRunner;
  providerFor(accountId: string): CloudProvider;
  /** What `~` means in a destination (default: the user's home). */
  home?: string;
  log?(level: "info" | "warn", text: string, accountId: string): void;
}

export interface ZipDownloads {
  start(spec: ZipDownloadSpec): Promise<{ taskId: string }>;
}

/** At most this many files per package [doc]. */
export const MAX_ZIP_ENTRIES = 1000;

/** "report.docx" → "report.zip"; several entries take their folder's name. */
async function zipNameFor(provider: CloudProvider, first: RemoteEntry, count: number): Promise<string> {
  if (count === 1) return `${safeFileName(first.name.replace(/\.[^.]+$/, "") || first.name)}.zip`;
  if (!first.parentId || first.parentId === provider.rootId) return "Files.zip";
  const parent = await provider.stat(first.parentId).catch(() => undefined);
  return `${safeFileName(parent?.name ?? "Files")}.zip`;
}

export function createZipDownloads(deps: ZipDownloadDeps): ZipDownloads {
  const zipJob = deps.runner.declare<ZipDownloadState>({
    kind: "download",
    parse: (saved) => {
      const state = saved as Partial<ZipDownloadState> | undefined;
      return state && Array.isArray(state.entryIds) && typeof state.zipName === "string"
        ? (state as ZipDownloadState)
        : undefined;
    },
    lost: "The download's details were lost; start it again.",
    run,
  });

  async function run(job: Job<ZipDownloadState>): Promise<void> {
    const { handle, signal } = job;
    const state = { ...job.state };
    const title = deps.runner.registry.get(handle.id)?.title ?? "Download as zip";
    let part: string | undefined;
    try {
      const provider = deps.providerFor(state.accountId);
      if (!canPackZip(provider))
        throw ipcFailure("unsupported", "This account cannot pack files into a zip.");
      handle.start("packing");
      if (state.packageTaskId === undefined) {
        const ref = await provider.startZipDownload(state.entryIds, state.zipName, signal);
        state.packageTaskId = ref.id;
        job.save(state);
      }
      const status = await job.waitFor(
        state.accountId,
        { kind: "share", id: state.packageTaskId },
        (current, total, status) =>
          handle.progress(
            total > 0 ? Math.round((current * 100) / total) : 0,
            100,
            "percent",
            status?.unknownStatus ? waitingPhase(status.unknownStatus) : "packing",
          ),
      );
      if (status.state === "failed") {
        throw new CloudError("not-found", status.error?.message ?? "The service could not pack the files.");
      }
      handle.progress(100, 100, "percent", "saving");
      const folder = await prepareFolder(state.destinationDir, deps.home);
      part = `${await freeName(folder, state.zipName)}.part`;
      await provider.downloadZip(state.packageTaskId, part, signal);
      const saved = await placeWithoutOverwrite(part, folder, state.zipName);
      part = undefined;
      handle.progress(100, 100, "percent", `${SAVED_PREFIX}${saved}`);
      if (status.state === "partial") {
        const message = `Saved to ${saved}, but ${status.error?.message ?? "some files could not be packed."}`;
        handle.partial(
          status.failed.map((item) => ({ id: item.id, name: item.id, reason: item.message })),
          message,
        );
        deps.log?.("warn", `${title}: ${message}`, state.accountId);
      } else {
        handle.succeed();
        deps.log?.("info", `${title}: saved ${basename(saved)} to ${join(saved, "..")}`, state.accountId);
      }
    } catch (error) {
      // A stopped download continues at the next start; a cancelled one is already final.
      if (signal.aborted) return;
      handle.fail(failureText(error));
      deps.log?.("warn", `${title}: ${failureText(error)}`, state.accountId);
    } finally {
      if (part) await rm(part, { force: true }).catch(() => {});
    }
  }

  return {
    async start(spec) {
      const entryIds = [...new Set(spec.entryIds)];
      if (entryIds.length > MAX_ZIP_ENTRIES) {
        throw ipcFailure("invalid-input", `A zip takes at most ${MAX_ZIP_ENTRIES} items; select fewer.`);
      }
      const provider = deps.providerFor(spec.accountId);
      if (!canPackZip(provider)) {
        throw ipcFailure("unsupported", "This account's service cannot pack files into a zip.");
      }
      // Refused at once, before any work: a folder that cannot take the file.
      const destinationDir = await prepareFolder(spec.destinationDir, deps.home);
      const first = await provider.stat(entryIds[0]!);
      const zipName = await zipNameFor(provider, first, entryIds.length);
      const state: ZipDownloadState = { ...spec, entryIds, destinationDir, zipName };
      const title = `Download ${entryIds.length === 1 ? `"${first.name}"` : plural(entryIds.length, "item")} as zip`;
      return { taskId: zipJob.start({ title, accountId: spec.accountId, cancellable: true }, state) };
    },
  };
}
