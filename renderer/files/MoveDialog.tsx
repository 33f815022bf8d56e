/** "Move…": choose a destination for the selected items and start the move task. */
import { useMemo, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { AccountView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { Dialog } from "../components/Dialog.tsx";
import { DialogActions, FormError, useSubmit } from "../components/Form.tsx";
import { formatList } from "../../shared/i18n/format.ts";
import { toastWhileRunning } from "../components/task-toast.ts";
import { loadedName, useTree } from "../stores/tree.ts";
import { FolderPicker } from "./FolderPicker.tsx";

export function MoveDialog(props: {
  account: AccountView;
  parentId: string;
  ids: string[];
  onClose(): void;
}) {
  const { account, parentId, ids, onClose } = props;
  const path = useTree((s) => s.path);
  const folders = useTree((s) => s.folders);
  const [target, setTarget] = useState<{ id: string; name: string } | null>(null);
  const { t, i18n } = useTranslation();

  const entries = useMemo(() => {
    const byId = new Map((folders[parentId]?.entries ?? []).map((e) => [e.id, e]));
    return ids.map((id) => byId.get(id)).filter((e) => e !== undefined);
  }, [folders, parentId, ids]);
  const parentName =
    path.find((c) => c.id === parentId)?.name ?? loadedName(folders, parentId) ?? t("move.theirFolder");

  const [blocked, sealed] = useMemo(() => {
    const reasons = new Map<string, string>();
    reasons.set(parentId, t("move.alreadyHere"));
    const moving = new Set<string>();
    for (const entry of entries) {
      if (entry.kind !== "folder") continue;
      reasons.set(entry.id, t("move.intoItself"));
      moving.add(entry.id);
    }
    return [reasons, moving] as const;
  }, [parentId, entries, t]);

  const names = entries.map((e) => t("common.quoted", { name: e.name }));
  const summary =
    names.length <= 3
      ? formatList(names, i18n.language)
      : t("move.andMore", { names: formatList(names.slice(0, 2), i18n.language), count: names.length - 2 });

  const {
    busy,
    error,
    submit: confirm,
  } = useSubmit(async () => {
    if (!target) return;
    const { taskId } = await call("moves.start", {
      accountId: account.id,
      entryIds: ids,
      targetFolderId: target.id,
    });
    useTree.getState().clearSelection();
    const said = { count: ids.length, folder: target.name };
    void toastWhileRunning(
      t("move.moving", said),
      async () => [taskId],
      ([task]) =>
        task?.state === "succeeded"
          ? { tone: "info", text: t("move.moved", said) }
          : { tone: "error", text: t("move.partlyMoved", said) },
      (error) => error,
    );
    onClose();
  });

  return (
    <Dialog
      title={t("move.title", { count: ids.length })}
      onClose={onClose}
      wide
      footer={
        <DialogActions
          status={
            target ? (
              <Trans i18nKey="move.to" values={{ name: target.name }} components={{ b: <strong /> }} />
            ) : (
              t("move.chooseDestination")
            )
          }
          onCancel={onClose}
        >
          <button
            type="button"
            className="button primary"
            disabled={!target || busy}
            onClick={() => void confirm()}
          >
            {busy ? t("common.starting") : t("move.moveHere")}
          </button>
        </DialogActions>
      }
    >
      <p className="dialog-lead">
        <Trans
          i18nKey="move.lead"
          values={{ summary, parent: parentName, account: account.name }}
          components={{ b: <strong /> }}
        />
      </p>
      <p className="dialog-note">{t("move.note", { parent: parentName })}</p>
      <FolderPicker
        accountId={account.id}
        rootId={account.rootId}
        rootName={path[0]?.name ?? account.name}
        blocked={blocked}
        sealed={sealed}
        value={target?.id ?? null}
        onChange={(id, name) => setTarget({ id, name })}
        initiallyExpanded={path.slice(1).map((c) => c.id)}
      />
      <FormError error={error} />
    </Dialog>
  );
}
