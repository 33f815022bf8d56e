/**
 * The user access token of an account's personal-space APIs (scripts). Write-only: the page says
 * whether one is set, and a new one replaces it; the token itself never comes back from the core.
 */
import { useId, useState } from "react";
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
  const storage = secretStorageWords(useUi((s) => s.info?.secretStorage));

  const {
    busy,
    error,
    submit: save,
  } = useSubmit(async () => {
    const value = token.trim();
    if (value === "") return;
    await useAccounts.getState().setAccessToken(account.id, value);
    setToken("");
    useUi.getState().toast("info", `Access token saved for ${account.name}`);
  });

  return (
    <form className="token-form" onSubmit={save} aria-label={`Access token of ${account.name}`}>
      <div className="field">
        <div className="token-label">
          <label htmlFor={inputId}>Personal-space access token</label>
          <span className={set ? "status status-ok" : "status status-muted"}>{set ? "Set" : "Not set"}</span>
        </div>
        <div className="field-row">
          <input
            id={inputId}
            type="password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder={set ? "Stored · paste a new one to replace it" : "Paste the user access token"}
            autoComplete="new-password"
            spellCheck={false}
            maxLength={2000}
            aria-describedby={hintId}
          />
          <button type="submit" className="button" disabled={busy || token.trim() === ""}>
            {busy ? "Saving…" : set ? "Replace" : "Save token"}
          </button>
        </div>
        <small id={hintId}>Scripts on documents run with it. {storage.short}; never shown again.</small>
      </div>
      <FormError error={error} />
    </form>
  );
}
