/**
 * "Run script…" on a document: write or paste a script, name it if you like, and run it on the
 * server. Its task opens with the log showing, so the run can be followed in the task panel.
 */
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { AccountView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { Dialog } from "../components/Dialog.tsx";
import { DialogActions, FormError, useSubmit } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { useAccounts } from "../stores/accounts.ts";
import { useTasks } from "../stores/tasks.ts";
import { useUi, type ScriptTarget } from "../stores/ui.ts";
import { AccessTokenNeeded, ScriptAccountStatus, ScriptEditor, ScriptNameField } from "./ScriptEditor.tsx";

export const EXAMPLE_SCRIPT = `// Each console line shows in the task panel as it runs.
console.log("Hello from docsync")
console.log("A1 holds:", Application.Range("A1").Text)
Time.sleep(500)
Application.Range("A1").Value = "Checked by docsync"
// The value of the last statement is the script's result.
Application.Range("A1").Text
`;

/** Shown while a "Run script…" target is set; closes itself when its account goes away. */
export function RunScriptHost() {
  const target = useUi((s) => s.scriptTarget);
  const account = useAccounts((s) => s.accounts.find((a) => a.id === target?.accountId));
  if (!target || !account) return null;
  return (
    <RunScriptDialog
      key={`${target.accountId}/${target.fileId}`}
      account={account}
      target={target}
      onClose={() => useUi.getState().openScript(null)}
    />
  );
}

/** Whether "Run script…" makes sense for an account at all (the service runs scripts). */
export function canRunScripts(account: AccountView | undefined): boolean {
  return account?.capabilities.scripts === true;
}

export function RunScriptDialog(props: { account: AccountView; target: ScriptTarget; onClose(): void }) {
  const { account, target, onClose } = props;
  const [script, setScript] = useState(EXAMPLE_SCRIPT);
  const [name, setName] = useState("");
  const ready = account.hasAccessToken;
  const { t } = useTranslation();

  const {
    busy,
    error,
    submit: run,
  } = useSubmit(async () => {
    if (!ready || script.trim() === "") return;
    const trimmed = name.trim();
    // The name becomes the script's file name on the server ("name.ks").
    if (/[/\\]/.test(trimmed)) throw new Error(t("scripts.badName"));
    const { taskId } = await call("scripts.run", {
      accountId: account.id,
      fileId: target.fileId,
      script,
      ...(trimmed ? { name: trimmed } : {}),
    });
    useTasks.getState().setLogOpen(taskId, true);
    useUi
      .getState()
      .toast(
        "info",
        trimmed
          ? t("scripts.runningNamed", { name: trimmed, file: target.fileName })
          : t("scripts.running", { file: target.fileName }),
      );
    onClose();
  });

  return (
    <Dialog
      title={t("scripts.runOn", { name: target.fileName })}
      onClose={onClose}
      wide
      footer={
        <DialogActions status={<ScriptAccountStatus account={account} />} onCancel={onClose}>
          <button
            type="submit"
            form="run-script-form"
            className="button primary"
            disabled={!ready || busy || script.trim() === ""}
          >
            <Icon name="play" size={16} /> {busy ? t("common.starting") : t("scripts.run")}
          </button>
        </DialogActions>
      }
    >
      <form id="run-script-form" className="form script-form" onSubmit={run}>
        <p className="dialog-lead">
          <Trans i18nKey="scripts.lead" values={{ name: target.fileName }} components={{ b: <strong /> }} />
        </p>
        {!ready && <AccessTokenNeeded account={account} onLeave={onClose} />}
        <ScriptEditor value={script} onValue={setScript} autoFocus={ready} />
        <ScriptNameField value={name} onValue={setName} where={t("scripts.whereTask")} />
        <FormError error={error} />
      </form>
    </Dialog>
  );
}
