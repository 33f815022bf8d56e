/**
 * The same folder commands done in the pair's cloud folder, as another client (a colleague, the web
 * app) does them: through the world's own client, never the engine's. Upload-only pairs draw none;
 * a two-way pair's scenario sends some of its operations here (`Op.side`).
 */
import { writeFileSync } from "node:fs";
import { join as joinNative } from "node:path";
import type { CloudProvider } from "../../electron/core/cloud/provider.ts";
import type { Step } from "./steps.ts";
import { baseName, join, parentOf, type LocalTree } from "./tree.ts";
import { readCloud, REMOTE_PATH, type World } from "./world.ts";

/** The cloud id of the pair's folder or of a folder below it. */
async function folderIdOf(world: World, path: string): Promise<string> {
  const top = (await world.reader.list(world.reader.rootId)).entries.find(
    (e) => e.name === REMOTE_PATH.slice(1) && e.kind === "folder",
  );
  if (!top) throw new Error(`the cloud has no ${REMOTE_PATH}`);
  if (path === "") return top.id;
  const entry = (await readCloud(world)).entries.get(path);
  if (entry?.kind !== "folder") throw new Error(`the cloud has no folder ${path}`);
  return entry.id;
}

async function itemIdOf(world: World, path: string): Promise<string> {
  const entry = (await readCloud(world)).entries.get(path);
  if (!entry) throw new Error(`the cloud has no ${path}`);
  return entry.id;
}

/** Moves one item into another folder, waiting for a move the service runs as a task. */
async function moveInto(provider: CloudProvider, id: string, targetId: string): Promise<void> {
  const start = await provider.startMove([id], targetId);
  if (start.done) return;
  for (;;) {
    const status = await provider.pollTask(start.task);
    if (status.state === "succeeded") return;
    if (status.state !== "running")
      throw new Error(`the cloud move ended ${status.state}: ${status.error?.message ?? ""}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Applies a step to the pair's cloud folder; `after` is the model with the step applied (a copy's bytes). */
export async function applyToCloud(world: World, step: Step, after: LocalTree): Promise<void> {
  const { reader } = world;
  switch (step.do) {
    case "write":
    case "save":
    case "cp": {
      const path = step.do === "cp" ? step.to : step.path;
      const node = after.get(path);
      if (node?.kind !== "file") throw new Error(`the model has no file ${path}`);
      const source = joinNative(world.root, "cloud-step");
      writeFileSync(source, node.content);
      const existing = (await readCloud(world)).entries.get(path);
      const name = baseName(path);
      await reader.upload(
        existing?.kind === "file"
          ? { localPath: source, name, replaceId: existing.id }
          : { localPath: source, name, parentId: await folderIdOf(world, parentOf(path)) },
      );
      return;
    }
    case "mkdir":
      await reader.createFolder(await folderIdOf(world, parentOf(step.path)), baseName(step.path));
      return;
    case "mv": {
      const id = await itemIdOf(world, step.from);
      const replaced = (await readCloud(world)).entries.get(step.to);
      if (replaced) await reader.destroy(replaced.id);
      const renamed = baseName(step.from) !== baseName(step.to);
      const moved = parentOf(step.from) !== parentOf(step.to);
      // The services move under the old name: renamed first where the target folder holds it.
      const renameFirst =
        renamed &&
        moved &&
        (await readCloud(world)).entries.has(join(parentOf(step.to), baseName(step.from)));
      if (renameFirst) await reader.rename(id, baseName(step.to));
      if (moved) await moveInto(reader, id, await folderIdOf(world, parentOf(step.to)));
      if (renamed && !renameFirst) await reader.rename(id, baseName(step.to));
      return;
    }
    case "rm":
      await reader.destroy(await itemIdOf(world, step.path));
  }
}
