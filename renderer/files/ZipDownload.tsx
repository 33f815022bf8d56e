/**
 * "Download as zip" for a selection: the desktop shell asks for the folder with the system's picker,
 * the web shell with a path field (the core reads `~` as the user's home). The package is made and
 * saved by the core as a task; a toast says where it went.
 */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccountView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { useAction } from "../components/actions.ts";
import { Dialog } from "../components/Dialog.tsx";
import { Field, FormActions, FormError, useSubmit } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { whenTasksEnd } from "../components/task-toast.ts";
import { i18n, said } from "../i18n.ts";
import { useUi } from "../stores/ui.ts";
import { savedPathOf } from "../tasks/saved-file.ts";

export const DEFAULT_DOWNLOAD_FOLDER = "~/Downloads";
/** The most files one package takes. */
const MAX_ZIP_ITEMS = 1000;

/** Tells the user where the zip went once its task ends (even if they left the files view meanwhile). */
function announceWhenDone(taskId: string): void {
  whenTasksEnd([taskId], ([task]) => {
    if (!task) return;
    const saved = savedPathOf(task);
    const { toast } = useUi.getState();
    if (task.state === "succeeded" && saved) toast("info", i18n.t("zip.saved", { path: saved }));
    else if (task.state === "failed") {
      const error = task.error ? said(task.error, task.errorPhrase) : i18n.t("zip.failedPlain");
      toast("error", i18n.t("zip.failed", { title: said(task.title, task.titlePhrase), error }));
    }
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
  const { t } = useTranslation();
  if (!account.capabilities.zipDownload) return null;
  const tooMany = ids.length > MAX_ZIP_ITEMS;

  const begin = async () => {
    if (!canPick) {
      setAsking(true);
      return;
    }
    await run(async () => {
      const { path } = await call("dialog.pickFolder", { title: t("zip.pickTitle") });
      if (path) await startZip(account, ids, path);
    }, t("zip.didNotStart"));
  };

  return (
    <>
      <button
        type="button"
        className="button"
        disabled={ids.length === 0 || tooMany || busy}
        title={tooMany ? t("zip.tooMany", { count: MAX_ZIP_ITEMS }) : undefined}
        onClick={() => void begin()}
      >
        <Icon name="download" /> {t("zip.button")}
      </button>
      {asking && <ZipFolderDialog account={account} ids={ids} onClose={() => setAsking(false)} />}
    </>
  );
}

function ZipFolderDialog(props: { account: AccountView; ids: string[]; onClose(): void }) {
  const [folder, setFolder] = useState(DEFAULT_DOWNLOAD_FOLDER);
  const { t } = useTranslation();
  const { busy, error, submit } = useSubmit(async () => {
    await startZip(props.account, props.ids, folder.trim());
    props.onClose();
  });
  return (
    <Dialog title={t("zip.title", { count: props.ids.length })} onClose={props.onClose}>
      <form onSubmit={submit} className="form">
        <Field
          label={t("zip.folder")}
          data-autofocus
          value={folder}
          onValue={setFolder}
          required
          spellCheck={false}
          autoComplete="off"
        />
        <p className="muted">{t("zip.note")}</p>
        <FormError error={error} />
        <FormActions onCancel={props.onClose} disabled={busy || folder.trim() === ""}>
          {t("zip.download")}
        </FormActions>
      </form>
    </Dialog>
  );
}
