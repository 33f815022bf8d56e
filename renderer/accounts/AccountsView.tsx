/** Cloud accounts: add a KDocs application space or a KooDrive, test it, see whether it is connected and why not. */
import { useState } from "react";
import type { AccountView } from "../../shared/model.ts";
import { attempt } from "../components/actions.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { Field, FormActions, FormError, useSubmit } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { Page } from "../components/Page.tsx";
import { RemoveButton } from "../components/RemoveButton.tsx";
import { formatDate, formatTime } from "../format.ts";
import { useAccounts } from "../stores/accounts.ts";
import { useUi } from "../stores/ui.ts";
import { AccessTokenField } from "./AccessTokenField.tsx";
import { CheckButton, CheckReport } from "./ServiceCheck.tsx";
import { secretStorageWords } from "./secret-storage.ts";

export function AccountsView() {
  const accounts = useAccounts((s) => s.accounts);
  const storage = secretStorageWords(useUi((s) => s.info?.secretStorage));
  const [adding, setAdding] = useState(false);
  const addButton = (
    <button type="button" className="button primary" onClick={() => setAdding(true)}>
      Add account
    </button>
  );
  return (
    <Page
      title="Accounts"
      lead={`The cloud spaces docsync works with. ${storage.sentence}`}
      action={
        !adding && (
          <button type="button" className="button primary" onClick={() => setAdding(true)}>
            <Icon name="plus" /> Add account
          </button>
        )
      }
    >
      {adding && <AddAccountForm onDone={() => setAdding(false)} />}
      {accounts.length === 0 && !adding ? (
        <EmptyState icon="accounts" title="No accounts yet" action={addButton}>
          Add a KDocs application space with its app id and app key, or a KooDrive with its access token.
        </EmptyState>
      ) : (
        <ul className="cards" aria-label="Accounts">
          {accounts.map((account) => (
            <AccountCard key={account.id} account={account} />
          ))}
        </ul>
      )}
    </Page>
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
  const storage = secretStorageWords(useUi((s) => s.info?.secretStorage));
  const status = statusText(account);
  const test = () => attempt(() => useAccounts.getState().test(account.id), "The test did not run");
  const remove = () =>
    attempt(() => useAccounts.getState().remove(account.id), "Could not remove the account");
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
        <dd>{storage.short}</dd>
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
      <CheckReport account={account} />
      <div className="card-actions">
        <button type="button" className="button" disabled={testing} onClick={() => void test()}>
          {testing ? "Testing…" : "Test connection"}
        </button>
        <CheckButton account={account} />
        <RemoveButton
          question={`Remove ${account.name}? Its sync folders stop.`}
          confirmLabel="Remove account"
          onConfirm={() => void remove()}
        />
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
  const { busy, error, setError, submit } = useSubmit(async () => {
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
  });
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
        <Field
          label="Name"
          value={name}
          onValue={setName}
          placeholder="Work"
          required
          maxLength={100}
          data-autofocus
        />
        <Field
          label="Service address"
          type="url"
          value={baseUrl}
          onValue={setBaseUrl}
          placeholder="https://…"
          required
        />
        {kind === "koodrive" && (
          <Field label="Access token" secret value={token} onValue={setToken} required />
        )}
        {kind === "kdocs" && (
          <>
            <Field
              label="App ID"
              value={appId}
              onValue={setAppId}
              required
              autoComplete="off"
              spellCheck={false}
            />
            <Field label="App key" secret value={appKey} onValue={setAppKey} required />
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
            <Field
              label="OST address"
              type="url"
              value={large.baseUrl}
              onValue={(baseUrl) => setLarge({ ...large, baseUrl })}
              required={useLarge}
            />
            <Field
              label="OST app ID"
              value={large.appId}
              onValue={(appId) => setLarge({ ...large, appId })}
              required={useLarge}
            />
            <Field
              label="OST API key"
              secret
              value={large.apiKey}
              onValue={(apiKey) => setLarge({ ...large, apiKey })}
              required={useLarge}
            />
            <Field
              label="OST API secret"
              secret
              value={large.apiSecret}
              onValue={(apiSecret) => setLarge({ ...large, apiSecret })}
              required={useLarge}
            />
          </div>
        </details>
      )}
      <FormError error={error} />
      <FormActions onCancel={onDone} disabled={busy}>
        {busy ? "Checking…" : "Add account"}
      </FormActions>
    </form>
  );
}
