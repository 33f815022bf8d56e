/** "Move…": choose a destination for the selected items and start the move task. */
import { useMemo, useState } from "react";
import type { AccountView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { Dialog } from "../components/Dialog.tsx";
import { DialogActions, FormError, useSubmit } from "../components/Form.tsx";
import { plural } from "../format.ts";
import { loadedName, useTree } from "../stores/tree.ts";
import { useUi } from "../stores/ui.ts";
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

  const entries = useMemo(() => {
    const byId = new Map((folders[parentId]?.entries ?? []).map((e) => [e.id, e]));
    return ids.map((id) => byId.get(id)).filter((e) => e !== undefined);
  }, [folders, parentId, ids]);
  const parentName =
    path.find((c) => c.id === parentId)?.name ?? loadedName(folders, parentId) ?? "their folder";

  const [blocked, sealed] = useMemo(() => {
    const reasons = new Map<string, string>();
    reasons.set(parentId, "The items are already here");
    const moving = new Set<string>();
    for (const entry of entries) {
      if (entry.kind !== "folder") continue;
      reasons.set(entry.id, "A folder cannot go into itself");
      moving.add(entry.id);
    }
    return [reasons, moving] as const;
  }, [parentId, entries]);

  const names = entries.map((e) => e.name);
  const summary =
    names.length <= 3
      ? names.map((n) => `“${n}”`).join(", ")
      : `${names
          .slice(0, 2)
          .map((n) => `“${n}”`)
          .join(", ")} and ${names.length - 2} more`;

  const {
    busy,
    error,
    submit: confirm,
  } = useSubmit(async () => {
    if (!target) return;
    await call("moves.start", { accountId: account.id, entryIds: ids, targetFolderId: target.id });
    useTree.getState().clearSelection();
    useUi.getState().toast("info", `Moving ${plural(ids.length, "item")} to “${target.name}”`);
    onClose();
  });

  return (
    <Dialog
      title={`Move ${plural(ids.length, "item")}`}
      onClose={onClose}
      wide
      footer={
        <DialogActions
          status={
            target ? (
              <>
                To <strong>{target.name}</strong>
              </>
            ) : (
              "Choose a destination folder"
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
            {busy ? "Starting…" : "Move here"}
          </button>
        </DialogActions>
      }
    >
      <p className="dialog-lead">
        Move {summary} out of <strong>{parentName}</strong> into another folder of {account.name}.
      </p>
      <p className="dialog-note">“{parentName}” cannot be chosen: the items are already in it.</p>
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
