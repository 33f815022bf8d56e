/** Cloud accounts: add a KDocs application space or a KooDrive, test it, see whether it is connected and why not. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccountView } from "../../shared/model.ts";
import { attempt } from "../components/actions.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { Field, FormActions, FormError, useSubmit } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { Page } from "../components/Page.tsx";
import { RemoveButton } from "../components/RemoveButton.tsx";
import { formatDate, formatTime } from "../format.ts";
import { said } from "../i18n.ts";
import { useAccounts } from "../stores/accounts.ts";
import { useUi } from "../stores/ui.ts";
import { AccessTokenField } from "./AccessTokenField.tsx";
import { CheckButton, CheckReport } from "./ServiceCheck.tsx";
import { secretStorageWords } from "./secret-storage.ts";

export function AccountsView() {
  const accounts = useAccounts((s) => s.accounts);
  const [adding, setAdding] = useState(false);
  const { t } = useTranslation();
  const storage = secretStorageWords(
    useUi((s) => s.info?.secretStorage),
    t,
  );
  const addButton = (
    <button type="button" className="button primary" onClick={() => setAdding(true)}>
      {t("accounts.add")}
    </button>
  );
  return (
    <Page
      title={t("accounts.title")}
      lead={t("accounts.lead", { storage: storage.sentence })}
      action={
        !adding && (
          <button type="button" className="button primary" onClick={() => setAdding(true)}>
            <Icon name="plus" /> {t("accounts.add")}
          </button>
        )
      }
    >
      {adding && <AddAccountForm onDone={() => setAdding(false)} />}
      {accounts.length === 0 && !adding ? (
        <EmptyState icon="accounts" title={t("accounts.emptyTitle")} action={addButton}>
          {t("accounts.emptyBody")}
        </EmptyState>
      ) : (
        <ul className="cards" aria-label={t("accounts.title")}>
          {accounts.map((account) => (
            <AccountCard key={account.id} account={account} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function statusOf(account: AccountView): { tone: string; key: "connected" | "notConnected" | "notChecked" } {
  switch (account.status.state) {
    case "connected":
      return { tone: "ok", key: "connected" };
    case "error":
      return { tone: "bad", key: "notConnected" };
    default:
      return { tone: "muted", key: "notChecked" };
  }
}

function AccountCard({ account }: { account: AccountView }) {
  const testing = useAccounts((s) => s.testing[account.id] === true);
  const { t } = useTranslation();
  const storage = secretStorageWords(
    useUi((s) => s.info?.secretStorage),
    t,
  );
  const status = statusOf(account);
  const test = () => attempt(() => useAccounts.getState().test(account.id), t("accounts.testDidNotRun"));
  const remove = () => attempt(() => useAccounts.getState().remove(account.id), t("accounts.couldNotRemove"));
  return (
    <li className="card account" aria-label={t("accounts.card", { name: account.name })}>
      <div className="account-top">
        <div className="account-name">
          <Icon name="cloud" />
          <h2>{account.name}</h2>
          {account.sandbox && <span className="badge badge-sandbox">{t("accounts.localCloud")}</span>}
          <span className="badge">
            {t(account.kind === "kdocs" ? "accounts.kdocs" : "accounts.koodrive")}
          </span>
        </div>
        <span className={`status status-${status.tone}`}>
          {testing ? t("accounts.testing") : t(`accounts.${status.key}`)}
        </span>
      </div>
      {account.status.state === "error" && account.status.message && (
        <p className="account-error" role="alert">
          {said(account.status.message, account.status.messagePhrase)}
        </p>
      )}
      {account.sandbox && <p className="muted">{t("accounts.sandboxNote")}</p>}
      <dl className="facts">
        <dt>{t("accounts.address")}</dt>
        <dd>
          <code>{account.baseUrl}</code>
        </dd>
        {account.appId && (
          <>
            <dt>{t("accounts.appId")}</dt>
            <dd>
              <code>{account.appId}</code>
            </dd>
          </>
        )}
        <dt>{account.kind === "koodrive" ? t("accounts.accessToken") : t("accounts.appKey")}</dt>
        <dd>{storage.short}</dd>
        <dt>{t("accounts.largeFiles")}</dt>
        <dd>
          {account.kind === "koodrive"
            ? t("accounts.sentInParts")
            : account.hasLargeFiles
              ? t("accounts.stagedThroughOst")
              : t("accounts.largeNotSetUp")}
        </dd>
        {account.quota && (
          <>
            <dt>{t("accounts.leftToday")}</dt>
            <dd>
              {t("accounts.quota", {
                writes: account.quota.writesLeft,
                reads: account.quota.readsLeft,
                time: formatTime(account.quota.resetsAt),
              })}
            </dd>
          </>
        )}
        {account.status.checkedAt && (
          <>
            <dt>{t("accounts.checked")}</dt>
            <dd>{formatDate(account.status.checkedAt)}</dd>
          </>
        )}
      </dl>
      {account.capabilities.scripts && <AccessTokenField account={account} />}
      <CheckReport account={account} />
      <div className="card-actions">
        <button type="button" className="button" disabled={testing} onClick={() => void test()}>
          {testing ? t("accounts.testing") : t("accounts.testConnection")}
        </button>
        <CheckButton account={account} />
        <RemoveButton
          question={t("accounts.removeQuestion", { name: account.name })}
          confirmLabel={t("accounts.removeAccount")}
          onConfirm={() => void remove()}
        />
      </div>
    </li>
  );
}

const accountKinds: readonly AccountView["kind"][] = ["kdocs", "koodrive"];

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
  const { t } = useTranslation();
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
    <form className="card form" onSubmit={submit} aria-label={t("accounts.add")}>
      <h2>{t(kind === "koodrive" ? "accounts.form.headingKoodrive" : "accounts.form.headingKdocs")}</h2>
      <fieldset className="kind-choice">
        <legend>{t("accounts.form.service")}</legend>
        {accountKinds.map((choice) => (
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
            {t(choice === "kdocs" ? "accounts.form.kdocs" : "accounts.form.koodrive")}
          </label>
        ))}
      </fieldset>
      <p className="muted">
        {kind === "koodrive" ? t("accounts.form.noteKoodrive") : t("accounts.form.noteKdocs")}
      </p>
      <div className="field-grid">
        <Field
          label={t("accounts.form.name")}
          value={name}
          onValue={setName}
          placeholder={t("accounts.form.namePlaceholder")}
          required
          maxLength={100}
          data-autofocus
        />
        <Field
          label={t("accounts.form.address")}
          type="url"
          value={baseUrl}
          onValue={setBaseUrl}
          placeholder={t("accounts.form.addressPlaceholder")}
          required
        />
        {kind === "koodrive" && (
          <Field label={t("accounts.form.accessToken")} secret value={token} onValue={setToken} required />
        )}
        {kind === "kdocs" && (
          <>
            <Field
              label={t("accounts.form.appId")}
              value={appId}
              onValue={setAppId}
              required
              autoComplete="off"
              spellCheck={false}
            />
            <Field label={t("accounts.form.appKey")} secret value={appKey} onValue={setAppKey} required />
          </>
        )}
      </div>
      {kind === "kdocs" && (
        <details
          className="optional"
          open={useLarge}
          onToggle={(e) => setUseLarge((e.target as HTMLDetailsElement).open)}
        >
          <summary>{t("accounts.form.large")}</summary>
          <p className="muted">{t("accounts.form.largeNote")}</p>
          <div className="field-grid">
            <Field
              label={t("accounts.form.ostAddress")}
              type="url"
              value={large.baseUrl}
              onValue={(baseUrl) => setLarge({ ...large, baseUrl })}
              required={useLarge}
            />
            <Field
              label={t("accounts.form.ostAppId")}
              value={large.appId}
              onValue={(appId) => setLarge({ ...large, appId })}
              required={useLarge}
            />
            <Field
              label={t("accounts.form.ostApiKey")}
              secret
              value={large.apiKey}
              onValue={(apiKey) => setLarge({ ...large, apiKey })}
              required={useLarge}
            />
            <Field
              label={t("accounts.form.ostApiSecret")}
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
        {busy ? t("accounts.form.checking") : t("accounts.form.add")}
      </FormActions>
    </form>
  );
}
