/**
 * The user access token of an account's personal-space APIs (scripts). Write-only: the page says
 * whether one is set, and a new one replaces it; the token itself never comes back from the core.
 */
import { useId, useState } from "react";
import type { AccountView } from "../../shared/model.ts";
import { describeError } from "../bridge/client.ts";
import { useAccounts } from "../stores/accounts.ts";
import { useUi } from "../stores/ui.ts";

export function AccessTokenField({ account }: { account: AccountView }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const hintId = useId();
  const set = account.hasAccessToken;

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (value === "") return;
    setBusy(true);
    setError(null);
    try {
      await useAccounts.getState().setAccessToken(account.id, value);
      setToken("");
      useUi.getState().toast("info", `Access token saved for ${account.name}`);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

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
            placeholder={
              set ? "Stored encrypted · paste a new one to replace it" : "Paste the user access token"
            }
            autoComplete="new-password"
            spellCheck={false}
            maxLength={2000}
            aria-describedby={hintId}
          />
          <button type="submit" className="button" disabled={busy || token.trim() === ""}>
            {busy ? "Saving…" : set ? "Replace" : "Save token"}
          </button>
        </div>
        <small id={hintId}>
          Scripts on documents run with it. It is stored encrypted and never shown again.
        </small>
      </div>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </form>
  );
}
