/** Hands dropped or picked files to the core, with a word to the user that lasts until they are uploaded. */
import { bridge } from "../bridge/client.ts";
import type { DropTarget } from "../bridge/types.ts";
import { toastWhileRunning } from "../components/task-toast.ts";
import { i18n } from "../i18n.ts";
import { useUi } from "../stores/ui.ts";

export function hasFiles(data: DataTransfer | null): boolean {
  return !!data && Array.from(data.types).includes("Files");
}

export function uploadDropped(data: DataTransfer, target: DropTarget, folderName: string): void {
  const captured = bridge().captureDrop(data);
  if (captured.count === 0) {
    useUi.getState().toast("error", i18n.t("drop.nothing"));
    return;
  }
  const count = captured.count;
  const folder = folderName;
  void toastWhileRunning(
    i18n.t("drop.uploading", { count, folder }),
    () => captured.upload(target),
    (tasks) => {
      const failed = tasks.filter((task) => task.state !== "succeeded").length;
      return failed === 0
        ? { tone: "info", text: i18n.t("drop.uploaded", { count, folder }) }
        : { tone: "error", text: i18n.t("drop.someFailed", { failed, count: tasks.length, folder }) };
    },
    (error) => i18n.t("drop.didNotStart", { error }),
  );
}

/** Files chosen with the file picker go the same way as dropped ones. */
export function uploadPicked(files: FileList, target: DropTarget, folderName: string): void {
  const data = new DataTransfer();
  for (const file of Array.from(files)) data.items.add(file);
  uploadDropped(data, target, folderName);
}
