/**
 * Write-ahead for what a pass creates in the cloud: the journal holds each create (its folder, name,
 * size and MD5) before the request goes, and drops it with the answer. A create still there at the
 * next pass was cut off by a crash: the cloud is looked at, and what the request left there is
 * adopted (the local file or folder is still there, with that content) or removed (it is gone
 * locally and the pair mirrors deletes), so a create is never duplicated and never orphaned. A new
 * version of a cloud file is written ahead the same way: one that landed is recorded, never sent twice.
 */
import { isCloudError } from "../cloud/errors.ts";
import type { RemoteCreateRecord } from "../journal/index.ts";
import { join } from "node:path";
import { type EngineContext, type StepContext } from "./engine-context.ts";
import { failureWords } from "../ipc-error.ts";
import { say } from "../words.ts";
import { md5File } from "./hash.ts";
import { putFile, type PairRuntime } from "./pair-runtime.ts";
import { findChild } from "./remote.ts";
import { sameStat, statPath, toNative } from "./scan.ts";
import { uploadKey } from "./upload-job.ts";

export function beginCreate(
  ctx: EngineContext,
  rt: PairRuntime,
  create: Omit<RemoteCreateRecord, "startedAt">,
): void {
  ctx.journal.putRemoteCreate(rt.record.id, { ...create, startedAt: ctx.now() });
}

export function endCreate(ctx: EngineContext, rt: PairRuntime, path: string): void {
  ctx.journal.deleteRemoteCreate(rt.record.id, path);
}

/** Settles the creates a crash cut off, before the pass plans (parents before children). */
export async function recoverCreates(
  ctx: EngineContext,
  rt: PairRuntime,
  pass: Pick<StepContext, "provider" | "call" | "signal">,
): Promise<void> {
  const { journal } = ctx;
  const { record } = rt;
  const mirror = record.deletePolicy === "mirror";
  for (const create of journal.remoteCreates(record.id)) {
    try {
      if (create.kind === "version") {
        await settleVersion(ctx, rt, pass, create);
        continue;
      }
      const found = await pass.call(() =>
        findChild(pass.provider, create.parentId, create.name, pass.signal),
      );
      const local = statPath(record.localPath, create.path);
      if (found && found.kind === create.kind) {
        if (create.kind === "folder" && local.kind === "folder") {
          journal.transaction(() => {
            journal.putFolder(record.id, { path: create.path, remoteId: found.id, ...local.id });
            journal.deleteRemoteCreate(record.id, create.path);
          });
          rt.folders?.set(create.path, { remoteId: found.id, ...local.id });
          continue;
        }
        const row = journal.file(record.id, create.path);
        if (create.kind === "file" && local.kind === "file" && row && !row.remoteId) {
          // The upload landed: the cloud file is this file's copy. What it holds decides whether a
          // new version is still due: the cloud's MD5, or (a service that tells none) what was
          // indexed, where the file is still as it was then.
          const same = found.size === row.size && sameStat(row, local.file);
          const md5 = found.md5 ?? (same ? row.md5 : null);
          journal.transaction(() => {
            putFile(ctx, rt, {
              ...row,
              md5,
              size: found.size,
              remoteId: found.id,
              remoteVersion: found.version,
            });
            journal.deleteRemoteCreate(record.id, create.path);
            journal.deleteUpload(uploadKey({ from: "pair", pairId: record.id, path: create.path }));
          });
          continue;
        }
        // Gone (or changed kind) locally: the cloud copy goes too where the pair mirrors deletes.
        if (mirror) {
          await pass
            .call(() => pass.provider.destroy(found.id, pass.signal))
            .catch((error: unknown) => {
              if (!isCloudError(error, "not-found")) throw error;
            });
          ctx.log("info", say("core.activity.interruptedCreateRemoved", { path: create.path }), record);
        }
      }
      journal.deleteRemoteCreate(record.id, create.path);
    } catch (error) {
      if (pass.signal.aborted) throw error;
      ctx.log(
        "warn",
        say("core.activity.interruptedCreateUnchecked", { path: create.path, error: failureWords(error) }),
        record,
      );
    }
  }
}

/**
 * A new version cut off by a crash: where the cloud file holds it (its MD5, or on a service that
 * tells none a version past the journal's, as only this pair writes there) and the local file still
 * has that content, it is recorded as sent.
 */
async function settleVersion(
  ctx: EngineContext,
  rt: PairRuntime,
  pass: Pick<StepContext, "provider" | "call" | "signal">,
  create: RemoteCreateRecord,
): Promise<void> {
  const { journal } = ctx;
  const { record } = rt;
  const row = journal.fileByRemoteId(record.id, create.parentId);
  const entry = row
    ? await pass
        .call(() => pass.provider.stat(create.parentId, pass.signal))
        .catch((error: unknown) => {
          if (isCloudError(error, "not-found")) return undefined;
          throw error;
        })
    : undefined;
  const landed =
    row !== undefined &&
    entry !== undefined &&
    entry.size === create.size &&
    (entry.md5 ? entry.md5 === create.md5 : entry.version > (row.remoteVersion ?? 0));
  const local = landed ? statPath(record.localPath, row.path) : undefined;
  if (landed && local?.kind === "file" && local.file.size === create.size) {
    const md5 = await md5File(join(record.localPath, toNative(row.path)), local.file.size).catch(() => null);
    if (md5 === create.md5) {
      journal.transaction(() => {
        putFile(ctx, rt, { ...row, ...local.file, md5, remoteVersion: entry.version });
        journal.deleteRemoteCreate(record.id, create.path);
        journal.deleteUpload(uploadKey({ from: "pair", pairId: record.id, path: create.path }));
      });
      ctx.log("info", say("core.activity.versionLanded", { path: row.path }), record);
      return;
    }
  }
  journal.deleteRemoteCreate(record.id, create.path);
}
