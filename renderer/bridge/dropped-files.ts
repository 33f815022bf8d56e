/**
 * Reads what was dropped in a browser: files, and folders through the entry API (webkitGetAsEntry),
 * each file with its path relative to the drop. Entries must be taken while the drop event lasts.
 */
export interface DroppedFile {
  /** Path relative to the drop, with "/" separators, e.g. "photos/2024/a.jpg". */
  path: string;
  file: File;
}

export interface DroppedItem {
  /** The top-level name (a file or a folder). */
  name: string;
  files: () => Promise<DroppedFile[]>;
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function readAllEntries(folder: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = folder.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries answers in batches (about 100 in Chromium) until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    out.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries(entry as FileSystemDirectoryEntry)) await walk(child, path, out);
  }
}

/** The dropped items, captured synchronously. */
export function captureDroppedItems(data: DataTransfer): DroppedItem[] {
  const items: DroppedItem[] = [];
  const seen = new Set<string>();
  for (const item of Array.from(data.items)) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry?.() ?? null;
    if (entry) {
      items.push({
        name: entry.name,
        files: async () => {
          const out: DroppedFile[] = [];
          await walk(entry, "", out);
          return out;
        },
      });
      seen.add(entry.name);
      continue;
    }
    // Files put into a DataTransfer by a page (not by the OS) have no entry.
    const file = item.getAsFile();
    if (file && !seen.has(file.name)) {
      items.push({ name: file.name, files: async () => [{ path: file.name, file }] });
      seen.add(file.name);
    }
  }
  if (items.length === 0) {
    for (const file of Array.from(data.files)) {
      if (seen.has(file.name)) continue;
      items.push({ name: file.name, files: async () => [{ path: file.name, file }] });
      seen.add(file.name);
    }
  }
  return items;
}
