/** Hands dropped or picked files to the core, with a word to the user either way. */
import { bridge, describeError } from "../bridge/client.ts";
import type { DropTarget } from "../bridge/types.ts";
import { plural } from "../format.ts";
import { useUi } from "../stores/ui.ts";

export function hasFiles(data: DataTransfer | null): boolean {
  return !!data && Array.from(data.types).includes("Files");
}

export function uploadDropped(data: DataTransfer, target: DropTarget, folderName: string): void {
  const captured = bridge().captureDrop(data);
  const { toast } = useUi.getState();
  if (captured.count === 0) {
    toast("error", "Nothing that was dropped can be uploaded.");
    return;
  }
  toast("info", `Uploading ${plural(captured.count, "item")} to “${folderName}”`);
  captured
    .upload(target)
    .catch((error: unknown) => toast("error", `The upload did not start: ${describeError(error)}`));
}

/** Files chosen with the file picker go the same way as dropped ones. */
export function uploadPicked(files: FileList, target: DropTarget, folderName: string): void {
  const data = new DataTransfer();
  for (const file of Array.from(files)) data.items.add(file);
  uploadDropped(data, target, folderName);
}
