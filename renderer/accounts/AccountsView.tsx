/** Cloud accounts: add a KDocs application space or a KooDrive, test it, see whether it is connected and why not. */
import { useState } from "react";
import type { AccountView } from "../../shared/model.ts";
import { describeError } from "../bridge/client.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { Icon } from "../components/Icon.tsx";
import { formatDate, formatTime } from "../format.ts";
import { useAccounts } from "../stores/accounts.ts";
import { useUi } from "../stores/ui.ts";
import { AccessTokenField } from "./AccessTokenField.tsx";

export function AccountsView() {
  const accounts = useAccounts((s) => s.accounts);
  const [adding, setAdding] = useState(false);
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Accounts</h1>
          <p className="page-lead">
            The cloud spaces docsync works with. Keys are stored encrypted and never shown again.
          </p>
        </div>
        {!adding && (
          <button type="button" className="button primary" onClick={() => setAdding(true)}>
            <Icon name="plus" /> Add account
          </button>
        )}
      </header>
      <div className="page-body">
        {adding && <AddAccountForm onDone={() => setAdding(false)} />}
        {accounts.length === 0 && !adding ? (
          <EmptyState
            icon="accounts"
            title="No accounts yet"
            action={
              <button type="button" className="button primary" onClick={() => setAdding(true)}>
                Add account
              </button>
            }
          >
            Add a KDocs application space with its app id and app key, or a KooDrive with its access token.
          </EmptyState>
        ) : (
          <ul className="cards" aria-label="Accounts">
            {accounts.map((account) => (
              <AccountCard key={account.id} account={account} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function statusText(account: AccountView): { tone: string; text: string } {
  switch (account.status.state) {
    case "connected":
      return { tone: "ok", text: "Connected" };
    case "error":
      return { tone: "bad", text: "Not connected" };
    default:
      return { tone: "muted", text: "Not checked yet" };
  }
}

function AccountCard({ account }: { account: AccountView }) {
  const testing = useAccounts((s) => s.testing[account.id] === true);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const toast = useUi((s) => s.toast);
  const status = statusText(account);
  const test = async () => {
    try {
      await useAccounts.getState().test(account.id);
    } catch (error) {
      toast("error", `The test did not run: ${describeError(error)}`);
    }
  };
  const remove = async () => {
    try {
      await useAccounts.getState().remove(account.id);
    } catch (error) {
      toast("error", `Could not remove the account: ${describeError(error)}`);
    }
  };
  return (
    <li className="card account" aria-label={`Account ${account.name}`}>
      <div className="account-top">
        <div className="account-name">
          <Icon name="cloud" />
          <h2>{account.name}</h2>
          {account.sandbox && <span className="badge badge-sandbox">Local cloud</span>}
          <span className="badge">{account.kind === "kdocs" ? "KDocs" : "KooDrive"}</span>
        </div>
        <span className={`status status-${status.tone}`}>{testing ? "Testing…" : status.text}</span>
      </div>
      {account.status.state === "error" && account.status.message && (
        <p className="account-error" role="alert">
          {account.status.message}
        </p>
      )}
      {account.sandbox && (
        <p className="muted">
          A cloud that runs on this computer, so you can try every feature. Its files stay on this machine.
        </p>
      )}
      <dl className="facts">
        <dt>Address</dt>
        <dd>
          <code>{account.baseUrl}</code>
        </dd>
        {account.appId && (
          <>
            <dt>App ID</dt>
            <dd>
              <code>{account.appId}</code>
            </dd>
          </>
        )}
        <dt>{account.kind === "koodrive" ? "Access token" : "App key"}</dt>
        <dd>Stored encrypted</dd>
        <dt>Large files</dt>
        <dd>
          {account.kind === "koodrive"
            ? "Sent in parts"
            : account.hasLargeFiles
              ? "Staged through OST"
              : "Not set up (files up to 64 MB)"}
        </dd>
        {account.quota && (
          <>
            <dt>Left today</dt>
            <dd>
              {account.quota.writesLeft.toLocaleString()} writes, {account.quota.readsLeft.toLocaleString()}{" "}
              reads · resets {formatTime(account.quota.resetsAt)}
            </dd>
          </>
        )}
        {account.status.checkedAt && (
          <>
            <dt>Checked</dt>
            <dd>{formatDate(account.status.checkedAt)}</dd>
          </>
        )}
      </dl>
      {account.capabilities.scripts && <AccessTokenField account={account} />}
      <div className="card-actions">
        <button type="button" className="button" disabled={testing} onClick={() => void test()}>
          {testing ? "Testing…" : "Test connection"}
        </button>
        {confirmRemove ? (
          <span className="inline-confirm">
            Remove {account.name}? Its sync folders stop.
            <button type="button" className="button danger" onClick={() => void remove()}>
              Remove account
            </button>
            <button type="button" className="button" onClick={() => setConfirmRemove(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" className="button quiet" onClick={() => setConfirmRemove(true)}>
            <Icon name="trash" size={16} /> Remove
          </button>
        )}
      </div>
    </li>
  );
}

const DEFAULT_ADDRESS: Record<AccountView["kind"], string> = {
  kdocs: "https://developer.kdocs.cn",
  koodrive: "",
};

function AddAccountForm({ onDone }: { onDone(): void }) {
  const [kind, setKind] = useState<AccountView["kind"]>("kdocs");
  const [name, setName] = useState("");
  const [baseUrl, setBaseUrl] = useState(DEFAULT_ADDRESS.kdocs);
  const [token, setToken] = useState("");
  const [appId, setAppId] = useState("");
  const [appKey, setAppKey] = useState("");
  const [large, setLarge] = useState({
    baseUrl: "https://upload-ost-api.xfyun.cn",
    appId: "",
    apiKey: "",
    apiSecret: "",
  });
  const [useLarge, setUseLarge] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await useAccounts.getState().add(
        kind === "koodrive"
          ? { kind, name: name.trim(), baseUrl: baseUrl.trim(), token: token.trim() }
          : {
              kind,
              name: name.trim(),
              baseUrl: baseUrl.trim(),
              appId: appId.trim(),
              appKey,
              ...(useLarge
                ? { largeFiles: { ...large, baseUrl: large.baseUrl.trim(), appId: large.appId.trim() } }
                : {}),
            },
      );
      setAppKey("");
      setToken("");
      onDone();
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };
  return (
    <form className="card form" onSubmit={submit} aria-label="Add account">
      <h2>Add a {kind === "koodrive" ? "KooDrive" : "KDocs"} account</h2>
      <fieldset className="kind-choice">
        <legend>Service</legend>
        {(["kdocs", "koodrive"] as const).map((choice) => (
          <label key={choice} className="kind-option">
            <input
              type="radio"
              name="account-kind"
              value={choice}
              checked={kind === choice}
              onChange={() => {
                // Keep an address the user typed; swap only the other service's default.
                if (baseUrl === DEFAULT_ADDRESS[kind]) setBaseUrl(DEFAULT_ADDRESS[choice]);
                setKind(choice);
                setError(null);
              }}
            />
            {choice === "kdocs" ? "KDocs application space" : "Huawei KooDrive"}
          </label>
        ))}
      </fieldset>
      <p className="muted">
        {kind === "koodrive"
          ? "docsync checks the access token with a real call before saving it. A token lapses after 20 minutes without a call."
          : "docsync checks the app id and key with a real call before saving them."}
      </p>
      <div className="field-grid">
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Work"
            required
            maxLength={100}
            data-autofocus
          />
        </label>
        <label className="field">
          <span>Service address</span>
          <input
            type="url"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            placeholder="https://…"
            required
          />
        </label>
        {kind === "koodrive" && (
          <label className="field">
            <span>Access token</span>
            <input
              type="password"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              required
              autoComplete="new-password"
              spellCheck={false}
            />
          </label>
        )}
        {kind === "kdocs" && (
          <>
            <label className="field">
              <span>App ID</span>
              <input
                value={appId}
                onChange={(e) => setAppId(e.target.value)}
                required
                autoComplete="off"
                spellCheck={false}
              />
            </label>
            <label className="field">
              <span>App key</span>
              <input
                type="password"
                value={appKey}
                onChange={(e) => setAppKey(e.target.value)}
                required
                autoComplete="new-password"
                spellCheck={false}
              />
            </label>
          </>
        )}
      </div>
      {kind === "kdocs" && (
        <details
          className="optional"
          open={useLarge}
          onToggle={(e) => setUseLarge((e.target as HTMLDetailsElement).open)}
        >
          <summary>Large files (optional)</summary>
          <p className="muted">
            Files over 64 MB are staged on iFlytek OST, then imported. Leave closed to skip.
          </p>
          <div className="field-grid">
            <label className="field">
              <span>OST address</span>
              <input
                type="url"
                value={large.baseUrl}
                onChange={(e) => setLarge({ ...large, baseUrl: e.target.value })}
                required={useLarge}
              />
            </label>
            <label className="field">
              <span>OST app ID</span>
              <input
                value={large.appId}
                onChange={(e) => setLarge({ ...large, appId: e.target.value })}
                required={useLarge}
              />
            </label>
            <label className="field">
              <span>OST API key</span>
              <input
                type="password"
                autoComplete="new-password"
                value={large.apiKey}
                onChange={(e) => setLarge({ ...large, apiKey: e.target.value })}
                required={useLarge}
              />
            </label>
            <label className="field">
              <span>OST API secret</span>
              <input
                type="password"
                autoComplete="new-password"
                value={large.apiSecret}
                onChange={(e) => setLarge({ ...large, apiSecret: e.target.value })}
                required={useLarge}
              />
            </label>
          </div>
        </details>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Checking…" : "Add account"}
        </button>
      </div>
    </form>
  );
}
