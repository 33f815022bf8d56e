/**
 * "Download as zip" for a selection: the desktop shell asks for the folder with the system's picker,
 * the web shell with a path field (the core reads `~` as the user's home). The package is made and
 * saved by the core as a task; a toast says where it went.
 */
import { useState } from "react";
import type { AccountView } from "../../shared/model.ts";
import { call, describeError } from "../bridge/client.ts";
import { Dialog } from "../components/Dialog.tsx";
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
  const [busy, setBusy] = useState(false);
  const canPick = useUi((s) => s.info?.canPickFolders === true);
  const toast = useUi((s) => s.toast);
  if (!account.capabilities.zipDownload) return null;
  const tooMany = ids.length > MAX_ZIP_ITEMS;

  const begin = async () => {
    if (!canPick) {
      setAsking(true);
      return;
    }
    setBusy(true);
    try {
      const { path } = await call("dialog.pickFolder", { title: "Save the zip in…" });
      if (path) await startZip(account, ids, path);
    } catch (error) {
      toast("error", `The download did not start: ${describeError(error)}`);
    } finally {
      setBusy(false);
    }
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
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await startZip(props.account, props.ids, folder.trim());
      props.onClose();
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Download ${plural(props.ids.length, "item")} as zip`} onClose={props.onClose}>
      <form onSubmit={submit} className="form">
        <label className="field">
          <span>Save in folder</span>
          <input
            data-autofocus
            value={folder}
            onChange={(e) => setFolder(e.target.value)}
            required
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <p className="muted">
          A folder on the computer docsync runs on; ~ is your home. An existing file is never replaced.
        </p>
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy || folder.trim() === ""}>
            Download
          </button>
        </div>
      </form>
    </Dialog>
  );
}
