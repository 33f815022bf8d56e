/**
 * "Run a script after upload…" on a sync folder: which extensions, the script and its name. Each
 * matching document the folder uploads then runs it, as a script task of the folder.
 */
import { useEffect, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
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
import { folderName } from "../../shared/paths.ts";
import { call, describeError } from "../bridge/client.ts";
import { usePairs } from "../stores/pairs.ts";
import { useUi } from "../stores/ui.ts";
import { extensionsField, extensionsProblem, listExtensions, parseExtensions } from "./script-rule.ts";

export function PairScriptDialog(props: { pair: PairView; account: AccountView; onClose(): void }) {
  const { pair, account, onClose } = props;
  const rule = pair.script;
  const [extensions, setExtensions] = useState(rule ? extensionsField(rule.extensions) : "xlsx");
  const [name, setName] = useState(rule?.name ?? "");
  const [script, setScript] = useState(rule ? "" : EXAMPLE_SCRIPT);
  const [loading, setLoading] = useState(rule !== undefined);
  const [loadError, setLoadError] = useState<string>();
  const { t } = useTranslation();
  // PairView leaves the text out; the saved script is fetched once, when the dialog opens.
  useEffect(() => {
    if (!rule) return;
    let open = true;
    call("pairs.getScript", { pairId: pair.id })
      .then(({ rule: saved }) => open && saved && setScript(saved.script))
      .catch(
        (error: unknown) =>
          open && setLoadError(t("scripts.pair.couldNotLoad", { error: describeError(error) })),
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
    if (/[/\\]/.test(trimmed)) throw new Error(t("scripts.badName"));
    if (script.trim() === "") throw new Error(t("scripts.pair.writeIt"));
    await usePairs
      .getState()
      .setScript(pair.id, { extensions: parsed, script, ...(trimmed ? { name: trimmed } : {}) });
    useUi.getState().toast("info", t("scripts.pair.set", { extensions: listExtensions(parsed), folder }));
    onClose();
  });
  const removal = useSubmit(async () => {
    await usePairs.getState().setScript(pair.id, null);
    useUi.getState().toast("info", t("scripts.pair.removed", { folder }));
    onClose();
  });
  const working = busy || removal.busy;

  return (
    <Dialog
      title={t("scripts.pair.title", { folder })}
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
              <Icon name="trash" size={16} />{" "}
              {removal.busy ? t("scripts.pair.removing") : t("scripts.pair.remove")}
            </button>
          )}
          <button
            type="submit"
            form="pair-script-form"
            className="button primary"
            disabled={!ready || working || loading || script.trim() === ""}
          >
            {busy ? t("common.saving") : t("scripts.pair.save")}
          </button>
        </DialogActions>
      }
    >
      <form id="pair-script-form" className="form script-form" onSubmit={submit}>
        <p className="dialog-lead">
          <Trans
            i18nKey="scripts.pair.lead"
            values={{ path: pair.localPath }}
            components={{ b: <strong /> }}
          />
        </p>
        {!ready && <AccessTokenNeeded account={account} onLeave={onClose} />}
        <Field
          label={t("scripts.pair.extensions")}
          value={extensions}
          onValue={setExtensions}
          placeholder={t("scripts.pair.extensionsPlaceholder")}
          spellCheck={false}
          required
          data-autofocus={ready ? true : undefined}
          hint={t("scripts.pair.extensionsHint")}
        />
        <ScriptNameField value={name} onValue={setName} where={t("scripts.whereRuns")} />
        <ScriptEditor value={script} onValue={setScript} />
        {loading && <p className="hint">{t("scripts.pair.loadingSaved")}</p>}
        <FormError error={error ?? removal.error ?? loadError ?? null} />
      </form>
    </Dialog>
  );
}
