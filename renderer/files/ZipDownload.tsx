/**
 * "Download as zip" for a selection: the desktop shell asks for the folder with the system's picker,
 * the web shell with a path field (the core reads `~` as the user's home). The package is made and
 * saved by the core as a task; a toast says where it went.
 */
import { useState } from "react";
import type { AccountView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { useAction } from "../components/actions.ts";
import { Dialog } from "../components/Dialog.tsx";
import { Field, FormActions, FormError, useSubmit } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { plural } from "../format.ts";
import { isFinal, useTasks } from "../stores/tasks.ts";
import { useUi } from "../stores/ui.ts";
import { savedPathOf } from "../tasks/saved-file.ts";

export const DEFAULT_DOWNLOAD_FOLDER = "~/Downloads";
/** The most files one package takes. */
const MAX_ZIP_ITEMS = 1000;

/** Tells the user where the zip went once its task ends (even if they left the files view meanwhile). */
function announceWhenDone(taskId: string): void {
  const check = (): boolean => {
    const task = useTasks.getState().byId.get(taskId);
    if (!task || !isFinal(task)) return false;
    const saved = savedPathOf(task);
    if (task.state === "succeeded" && saved) useUi.getState().toast("info", `Saved ${saved}`);
    else if (task.state === "failed")
      useUi.getState().toast("error", `${task.title}: ${task.error ?? "failed"}`);
    return true;
  };
  if (check()) return;
  const unsubscribe = useTasks.subscribe(() => {
    if (check()) unsubscribe();
  });
}

async function startZip(account: AccountView, ids: string[], destinationDir: string): Promise<void> {
  const { taskId } = await call("downloads.zip", { accountId: account.id, entryIds: ids, destinationDir });
  announceWhenDone(taskId);
}

export function ZipDownloadButton({ account, ids }: { account: AccountView; ids: string[] }) {
  const [asking, setAsking] = useState(false);
  const { busy, run } = useAction();
  const canPick = useUi((s) => s.info?.canPickFolders === true);
  if (!account.capabilities.zipDownload) return null;
  const tooMany = ids.length > MAX_ZIP_ITEMS;

  const begin = async () => {
    if (!canPick) {
      setAsking(true);
      return;
    }
    await run(async () => {
      const { path } = await call("dialog.pickFolder", { title: "Save the zip in…" });
      if (path) await startZip(account, ids, path);
    }, "The download did not start");
  };

  return (
    <>
      <button
        type="button"
        className="button"
        disabled={ids.length === 0 || tooMany || busy}
        title={tooMany ? `A zip takes at most ${MAX_ZIP_ITEMS} items` : undefined}
        onClick={() => void begin()}
      >
        <Icon name="download" /> Download as zip
      </button>
      {asking && <ZipFolderDialog account={account} ids={ids} onClose={() => setAsking(false)} />}
    </>
  );
}

function ZipFolderDialog(props: { account: AccountView; ids: string[]; onClose(): void }) {
  const [folder, setFolder] = useState(DEFAULT_DOWNLOAD_FOLDER);
  const { busy, error, submit } = useSubmit(async () => {
    await startZip(props.account, props.ids, folder.trim());
    props.onClose();
  });
  return (
    <Dialog title={`Download ${plural(props.ids.length, "item")} as zip`} onClose={props.onClose}>
      <form onSubmit={submit} className="form">
        <Field
          label="Save in folder"
          data-autofocus
          value={folder}
          onValue={setFolder}
          required
          spellCheck={false}
          autoComplete="off"
        />
        <p className="muted">
          A folder on the computer docsync runs on; ~ is your home. An existing file is never replaced.
        </p>
        <FormError error={error} />
        <FormActions onCancel={props.onClose} disabled={busy || folder.trim() === ""}>
          Download
        </FormActions>
      </form>
    </Dialog>
  );
}
