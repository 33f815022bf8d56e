/**
 * "Run a script after upload…" on a sync folder: which extensions, the script and its name. Each
 * matching document the folder uploads then runs it, as a script task of the folder.
 */
import { useEffect, useState } from "react";
import type { AccountView, PairView } from "../../shared/model.ts";
import { Dialog } from "../components/Dialog.tsx";
import { DialogActions, Field, FormError, useSubmit } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { EXAMPLE_SCRIPT } from "../scripts/RunScriptDialog.tsx";
import {
  AccessTokenNeeded,
  ScriptAccountStatus,
  ScriptEditor,
  ScriptNameField,
} from "../scripts/ScriptEditor.tsx";
import { call, describeError } from "../bridge/client.ts";
import { usePairs } from "../stores/pairs.ts";
import { useUi } from "../stores/ui.ts";
import { extensionsField, extensionsProblem, listExtensions, parseExtensions } from "./script-rule.ts";

/** The last part of a folder's path ("Reports" for "/home/you/Reports/"). */
export function folderName(path: string): string {
  return (
    path
      .replace(/[\\/]+$/, "")
      .split(/[\\/]/)
      .pop() || path
  );
}

export function PairScriptDialog(props: { pair: PairView; account: AccountView; onClose(): void }) {
  const { pair, account, onClose } = props;
  const rule = pair.script;
  const [extensions, setExtensions] = useState(rule ? extensionsField(rule.extensions) : "xlsx");
  const [name, setName] = useState(rule?.name ?? "");
  const [script, setScript] = useState(rule ? "" : EXAMPLE_SCRIPT);
  const [loading, setLoading] = useState(rule !== undefined);
  const [loadError, setLoadError] = useState<string>();
  // PairView leaves the text out; the saved script is fetched once, when the dialog opens.
  useEffect(() => {
    if (!rule) return;
    let open = true;
    call("pairs.getScript", { pairId: pair.id })
      .then(({ rule: saved }) => open && saved && setScript(saved.script))
      .catch(
        (error: unknown) => open && setLoadError(`Could not load the saved script: ${describeError(error)}`),
      )
      .finally(() => open && setLoading(false));
    return () => {
      open = false;
    };
    // Only when the dialog opens for a pair; later edits of the rule come from this dialog.
  }, [pair.id]);
  const ready = account.hasAccessToken;
  const folder = folderName(pair.localPath);

  const { busy, error, submit } = useSubmit(async () => {
    const parsed = parseExtensions(extensions);
    const problem = extensionsProblem(parsed);
    if (problem) throw new Error(problem);
    const trimmed = name.trim();
    // The name becomes the script's file name on the server ("name.ks").
    if (/[/\\]/.test(trimmed)) throw new Error("A script name cannot contain “/” or “\\”.");
    if (script.trim() === "") throw new Error("Write the script to run.");
    await usePairs
      .getState()
      .setScript(pair.id, { extensions: parsed, script, ...(trimmed ? { name: trimmed } : {}) });
    useUi.getState().toast("info", `Uploads of ${listExtensions(parsed)} in “${folder}” now run a script`);
    onClose();
  });
  const removal = useSubmit(async () => {
    await usePairs.getState().setScript(pair.id, null);
    useUi.getState().toast("info", `Uploads in “${folder}” no longer run a script`);
    onClose();
  });
  const working = busy || removal.busy;

  return (
    <Dialog
      title={`Script for ${folder}`}
      onClose={onClose}
      wide
      footer={
        <DialogActions status={<ScriptAccountStatus account={account} />} onCancel={onClose}>
          {rule && (
            <button
              type="button"
              className="button danger"
              disabled={working}
              onClick={() => void removal.submit()}
            >
              <Icon name="trash" size={16} /> {removal.busy ? "Removing…" : "Remove script"}
            </button>
          )}
          <button
            type="submit"
            form="pair-script-form"
            className="button primary"
            disabled={!ready || working || loading || script.trim() === ""}
          >
            {busy ? "Saving…" : "Save"}
          </button>
        </DialogActions>
      }
    >
      <form id="pair-script-form" className="form script-form" onSubmit={submit}>
        <p className="dialog-lead">
          Each document that <strong>{pair.localPath}</strong> uploads with one of these extensions runs the
          script on the server once it is in the cloud. The runs show in the task panel with their logs.
        </p>
        {!ready && <AccessTokenNeeded account={account} onLeave={onClose} />}
        <Field
          label="File extensions"
          value={extensions}
          onValue={setExtensions}
          placeholder="xlsx, csv"
          spellCheck={false}
          required
          data-autofocus={ready ? true : undefined}
          hint="Separated by commas, such as “xlsx, csv”."
        />
        <ScriptNameField value={name} onValue={setName} where="each run's task" />
        <ScriptEditor value={script} onValue={setScript} />
        {loading && <p className="hint">Loading the saved script…</p>}
        <FormError error={error ?? removal.error ?? loadError ?? null} />
      </form>
    </Dialog>
  );
}
