import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccountView, EntryView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { Dialog } from "../components/Dialog.tsx";
import { Field, FormActions, FormError, useSubmit } from "../components/Form.tsx";
import type { MenuItem } from "../components/ContextMenu.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { Icon } from "../components/Icon.tsx";
import { canRunScripts } from "../scripts/RunScriptDialog.tsx";
import { useAccounts } from "../stores/accounts.ts";
import { useTree } from "../stores/tree.ts";
import { useUi } from "../stores/ui.ts";
import { uploadPicked } from "./drop-upload.ts";
import { FolderTree } from "./FolderTree.tsx";
import { MoveDialog } from "./MoveDialog.tsx";
import { TourBanner } from "../tour/Tour.tsx";
import { ZipDownloadButton } from "./ZipDownload.tsx";

export function FilesView(props: { accountId: string | null }) {
  const accounts = useAccounts((s) => s.accounts);
  const loaded = useAccounts((s) => s.loaded);
  const account = accounts.find((a) => a.id === props.accountId) ?? accounts[0];
  const show = useUi((s) => s.show);
  const { t } = useTranslation();

  useEffect(() => {
    if (account) useTree.getState().openAccount(account.id, account.name, account.rootId);
  }, [account]);

  if (!loaded) return <div className="page page-loading">{t("common.loading")}</div>;
  if (!account) {
    return (
      <div className="page">
        <EmptyState
          icon="cloud"
          title={t("files.noAccountTitle")}
          action={
            <button type="button" className="button primary" onClick={() => show("accounts")}>
              {t("files.addAccount")}
            </button>
          }
        >
          {t("files.noAccountBody")}
        </EmptyState>
      </div>
    );
  }
  return <AccountFiles account={account} />;
}

function AccountFiles({ account }: { account: AccountView }) {
  const { t } = useTranslation();
  const path = useTree((s) => s.path);
  const selection = useTree((s) => s.selection);
  const moveOpen = useUi((s) => s.moveDialogOpen);
  const setMoveOpen = useUi((s) => s.setMoveDialogOpen);
  const [creating, setCreating] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const open = path[path.length - 1];
  const count = selection.ids.size;
  const folders = useTree((s) => s.folders);
  const scripts = canRunScripts(account);
  const onlyFile = (() => {
    const [id] = selection.ids;
    if (count !== 1 || selection.parentId === null) return undefined;
    const entry = folders[selection.parentId]?.entries.find((e) => e.id === id);
    return entry?.kind === "file" ? entry : undefined;
  })();
  const runScript = useCallback(
    (entry: EntryView) =>
      useUi.getState().openScript({ accountId: account.id, fileId: entry.id, fileName: entry.name }),
    [account.id],
  );
  const menuFor = useCallback(
    (entry: EntryView): MenuItem[] => [
      ...(entry.kind === "file" && scripts
        ? [{ label: t("files.runScript"), icon: "script" as const, onSelect: () => runScript(entry) }]
        : []),
      ...(entry.kind === "folder"
        ? [
            {
              label: t("files.open"),
              icon: "folder" as const,
              onSelect: () => useTree.getState().openFolder({ id: entry.id, name: entry.name }),
            },
          ]
        : []),
      { label: t("files.move"), icon: "move" as const, onSelect: () => setMoveOpen(true) },
    ],
    [scripts, runScript, setMoveOpen, t],
  );

  return (
    <div className="page files-page">
      {account.sandbox && <TourBanner account={account} />}
      <header className="page-head">
        <nav aria-label={t("files.folderPath")} className="crumbs">
          {path.map((crumb, index) => (
            <span key={crumb.id} className="crumb">
              {index > 0 && <Icon name="chevron" size={14} className="crumb-sep" />}
              {index === path.length - 1 ? (
                <span aria-current="page" className="crumb-current">
                  {crumb.name}
                </span>
              ) : (
                <button
                  type="button"
                  className="crumb-link"
                  onClick={() => useTree.getState().openCrumb(index)}
                >
                  {crumb.name}
                </button>
              )}
            </span>
          ))}
        </nav>
        <div className="toolbar" role="toolbar" aria-label={t("files.fileActions")}>
          {scripts && onlyFile && (
            <button type="button" className="button" onClick={() => runScript(onlyFile)}>
              <Icon name="script" /> {t("files.runScript")}
            </button>
          )}
          {count > 0 && <ZipDownloadButton account={account} ids={[...selection.ids]} />}
          <button type="button" className="button" disabled={count === 0} onClick={() => setMoveOpen(true)}>
            <Icon name="move" /> {t("files.move")}
          </button>
          <button type="button" className="button" onClick={() => setCreating(true)}>
            <Icon name="folderPlus" /> {t("files.newFolder")}
          </button>
          <button type="button" className="button primary" onClick={() => picker.current?.click()}>
            <Icon name="upload" /> {t("files.upload")}
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            aria-label={t("files.filesToUpload")}
            onChange={(event) => {
              if (event.target.files && open)
                uploadPicked(event.target.files, { accountId: account.id, folderId: open.id }, open.name);
              event.target.value = "";
            }}
          />
        </div>
      </header>
      <FolderTree account={account} onMove={() => setMoveOpen(true)} menuFor={menuFor} />
      {count > 0 ? (
        <p className="hint">
          {/* Here rather than in the toolbar, so the folder's name keeps its room there. */}
          <span className="selection-note">
            {t("files.selected", { count })}
            <button type="button" className="link" onClick={() => useTree.getState().clearSelection()}>
              {t("common.clear")}
            </button>
          </span>
        </p>
      ) : (
        <p className="hint">{t("files.hint")}</p>
      )}
      {moveOpen && selection.parentId !== null && count > 0 && (
        <MoveDialog
          account={account}
          parentId={selection.parentId}
          ids={[...selection.ids]}
          onClose={() => setMoveOpen(false)}
        />
      )}
      {creating && open && (
        <NewFolderDialog accountId={account.id} parent={open} onClose={() => setCreating(false)} />
      )}
    </div>
  );
}

function NewFolderDialog(props: {
  accountId: string;
  parent: { id: string; name: string };
  onClose(): void;
}) {
  const [name, setName] = useState("");
  const { t } = useTranslation();
  const { busy, error, submit } = useSubmit(async () => {
    await call("tree.createFolder", {
      accountId: props.accountId,
      parentId: props.parent.id,
      name: name.trim(),
    });
    await useTree.getState().refresh([props.parent.id]);
    props.onClose();
  });
  return (
    <Dialog title={t("files.newFolderIn", { name: props.parent.name })} onClose={props.onClose}>
      <form onSubmit={submit} className="form">
        <Field
          label={t("files.name")}
          data-autofocus
          value={name}
          onValue={setName}
          required
          maxLength={255}
        />
        <FormError error={error} />
        <FormActions onCancel={props.onClose} disabled={busy || name.trim() === ""}>
          {t("files.createFolder")}
        </FormActions>
      </form>
    </Dialog>
  );
}
