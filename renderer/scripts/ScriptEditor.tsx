/** The pieces every script form shares: the editor, and the note for an account without an access token. */
import { Trans, useTranslation } from "react-i18next";
import type { AccountView } from "../../shared/model.ts";
import { Field } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { useUi } from "../stores/ui.ts";

/** A plain-text editor for a script, where Tab indents instead of leaving it (Escape still closes a dialog). */
export function ScriptEditor(props: {
  value: string;
  onValue(script: string): void;
  label?: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const { value, onValue, label = t("scripts.label"), autoFocus = false } = props;
  const onKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== "Tab" || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    const editor = event.currentTarget;
    const { selectionStart, selectionEnd } = editor;
    onValue(`${value.slice(0, selectionStart)}  ${value.slice(selectionEnd)}`);
    requestAnimationFrame(() => editor.setSelectionRange(selectionStart + 2, selectionStart + 2));
  };
  return (
    <label className="field">
      <span>{label}</span>
      <textarea
        className="script-editor"
        data-autofocus={autoFocus ? true : undefined}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        onKeyDown={onKeyDown}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        rows={12}
        maxLength={65_536}
        required
      />
    </label>
  );
}

/** Scripts need the account's access token: says so, and leads to the Accounts page (closing `onLeave` first). */
export function AccessTokenNeeded({ account, onLeave }: { account: AccountView; onLeave(): void }) {
  const { t } = useTranslation();
  const openAccounts = () => {
    onLeave();
    useUi.getState().show("accounts");
  };
  return (
    <div className="callout callout-warn" role="note">
      <p>{t("scripts.needsToken", { name: account.name })}</p>
      <div className="callout-actions">
        <button type="button" className="button small" onClick={openAccounts}>
          <Icon name="accounts" size={14} /> {t("scripts.setToken")}
        </button>
      </div>
    </div>
  );
}

/** A script dialog's footer note: the account the script runs on, or what it still needs. */
export function ScriptAccountStatus({ account }: { account: AccountView }) {
  const { t } = useTranslation();
  return account.hasAccessToken ? (
    <Trans i18nKey="scripts.on" values={{ name: account.name }} components={{ b: <strong /> }} />
  ) : (
    t("scripts.needsTokenShort")
  );
}

/** The optional script name; the server shows it in the log's line references. */
export function ScriptNameField(props: { value: string; onValue(name: string): void; where: string }) {
  const { t } = useTranslation();
  return (
    <Field
      label={t("scripts.name")}
      value={props.value}
      onValue={props.onValue}
      placeholder={t("scripts.namePlaceholder")}
      maxLength={100}
      spellCheck={false}
      hint={t("scripts.nameHint", { where: props.where })}
    />
  );
}
