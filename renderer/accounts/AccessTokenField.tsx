/**
 * The user access token of an account's personal-space APIs (scripts). Write-only: the page says
 * whether one is set, and a new one replaces it; the token itself never comes back from the core.
 */
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccountView } from "../../shared/model.ts";
import { FormError, useSubmit } from "../components/Form.tsx";
import { useAccounts } from "../stores/accounts.ts";
import { useUi } from "../stores/ui.ts";
import { secretStorageWords } from "./secret-storage.ts";

export function AccessTokenField({ account }: { account: AccountView }) {
  const [token, setToken] = useState("");
  const inputId = useId();
  const hintId = useId();
  const set = account.hasAccessToken;
  const { t } = useTranslation();
  const storage = secretStorageWords(
    useUi((s) => s.info?.secretStorage),
    t,
  );

  const {
    busy,
    error,
    submit: save,
  } = useSubmit(async () => {
    const value = token.trim();
    if (value === "") return;
    await useAccounts.getState().setAccessToken(account.id, value);
    setToken("");
    useUi.getState().toast("info", t("accounts.token.saved", { name: account.name }));
  });

  return (
    <form
      className="token-form"
      onSubmit={save}
      aria-label={t("accounts.token.form", { name: account.name })}
    >
      <div className="field">
        <div className="token-label">
          <label htmlFor={inputId}>{t("accounts.token.label")}</label>
          <span className={set ? "status status-ok" : "status status-muted"}>
            {set ? t("accounts.token.set") : t("accounts.token.notSet")}
          </span>
        </div>
        <div className="field-row">
          <input
            id={inputId}
            type="password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder={set ? t("accounts.token.placeholderSet") : t("accounts.token.placeholderNew")}
            autoComplete="new-password"
            spellCheck={false}
            maxLength={2000}
            aria-describedby={hintId}
          />
          <button type="submit" className="button" disabled={busy || token.trim() === ""}>
            {busy ? t("common.saving") : set ? t("accounts.token.replace") : t("accounts.token.save")}
          </button>
        </div>
        <small id={hintId}>{t("accounts.token.hint", { storage: storage.short })}</small>
      </div>
      <FormError error={error} />
    </form>
  );
}
