/**
 * A pass's uploads: new versions of changed files, then every file the journal holds without a
 * cloud copy, read in pages and queued a few at a time: a first sync of 100,000 files never holds
 * them all in memory.
 */
import { join } from "node:path";
import type { FileRecord } from "../journal/index.ts";
import type { EngineContext } from "./engine-context.ts";
import { md5File } from "./hash.ts";
import type { PairRuntime } from "./pair-runtime.ts";
import type { UploadItem } from "./plan.ts";
import { toNative } from "./scan.ts";

export async function uploadAll(
  ctx: EngineContext,
  rt: PairRuntime,
  versions: UploadItem[],
  waiting: (path: string) => boolean,
  run: { upload(item: UploadItem): Promise<void>; signal: AbortSignal },
): Promise<void> {
  const { queue } = ctx;
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const ahead = Math.max(8, queue.concurrency * 2);
  const submit = async (item: UploadItem): Promise<void> => {
    const tracked: Promise<void> = queue
      .add(() => run.upload(item))
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => running.delete(tracked));
    running.add(tracked);
    if (queue.size >= ahead) await queue.onSizeLessThan(ahead);
  };
  for (const item of versions) await submit(item);
  const root = rt.record.localPath;
  for (let after = "", page: FileRecord[]; !failure && !run.signal.aborted; after = page.at(-1)!.path) {
    page = ctx.journal.unsyncedFiles(rt.record.id, after, 256);
    if (page.length === 0) break;
    for (const r of page) {
      if (waiting(r.path)) continue;
      const local = { size: r.size, mtimeMs: r.mtimeMs, ino: r.ino };
      const md5 = r.md5 ?? (await md5File(join(root, toNative(r.path)), r.size).catch(() => undefined));
      if (md5 !== undefined) await submit({ path: r.path, local, md5 });
    }
  }
  await Promise.all(running);
  ctx.flushWrites();
  if (failure) throw failure.error;
  run.signal.throwIfAborted();
}
