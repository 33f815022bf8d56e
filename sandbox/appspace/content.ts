/** Ties blobs to the files that use them: bytes stay while a file or a live download address needs them. */
import type { BlobStore, StagedBlob } from "./blobs.ts";
import type { DownloadLinks } from "./downloads.ts";
import type { FileTree } from "./files.ts";

export class ContentStore {
  private readonly blobs: BlobStore;
  private readonly tree: FileTree;
  private readonly links: DownloadLinks;
  /** Blobs committed whose file row is not written yet; a concurrent release must keep them. */
  private readonly pinned = new Map<string, number>();

  constructor(blobs: BlobStore, tree: FileTree, links: DownloadLinks) {
    this.blobs = blobs;
    this.tree = tree;
    this.links = links;
  }

  /** Commits the staged bytes, then runs `record` (which writes the file row); undone if it throws. */
  async keep<T>(staged: StagedBlob, record: () => T): Promise<T> {
    this.pinned.set(staged.md5, (this.pinned.get(staged.md5) ?? 0) + 1);
    try {
      await this.blobs.commit(staged);
      return record();
    } finally {
      const count = (this.pinned.get(staged.md5) ?? 1) - 1;
      if (count === 0) this.pinned.delete(staged.md5);
      else this.pinned.set(staged.md5, count);
      await this.release(staged.md5);
    }
  }

  /** Removes the bytes of `md5` when nothing uses them any more. */
  async release(md5: string): Promise<void> {
    if (this.pinned.has(md5) || this.tree.isBlobUsed(md5) || this.links.isBlobLinked(md5)) return;
    await this.blobs.remove(md5);
  }
}
