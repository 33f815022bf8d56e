/** How a batch move is cut into calls the API takes: one source folder per call, at most `maxBatch` items. */
import type { RemoteEntry } from "../cloud/provider.ts";

export interface MoveChunk {
  sourceFolderId: string;
  ids: string[];
}

export interface MovePlan {
  chunks: MoveChunk[];
  /** Already in the target folder: nothing to do for them. */
  alreadyThere: string[];
  /** A folder cannot go into itself. */
  intoItself: string[];
}

export function planMoveChunks(entries: RemoteEntry[], targetFolderId: string, maxBatch: number): MovePlan {
  const bySource = new Map<string, string[]>();
  const alreadyThere: string[] = [];
  const intoItself: string[] = [];
  for (const entry of entries) {
    if (entry.id === targetFolderId) intoItself.push(entry.id);
    else if (entry.parentId === targetFolderId) alreadyThere.push(entry.id);
    else {
      const ids = bySource.get(entry.parentId) ?? [];
      if (!ids.includes(entry.id)) ids.push(entry.id);
      bySource.set(entry.parentId, ids);
    }
  }
  const chunks: MoveChunk[] = [];
  const size = Math.max(1, maxBatch);
  for (const [sourceFolderId, ids] of bySource) {
    for (let i = 0; i < ids.length; i += size) chunks.push({ sourceFolderId, ids: ids.slice(i, i + size) });
  }
  return { chunks, alreadyThere, intoItself };
}
