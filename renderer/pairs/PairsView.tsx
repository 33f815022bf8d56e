/** Sync folders: pair a local folder with a cloud folder, and see each pair's state and issues. */
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { AccountView, PairView } from "../../shared/model.ts";
import { folderName } from "../../shared/paths.ts";
import { call, describeError } from "../bridge/client.ts";
import { FolderBrowser } from "../files/FolderBrowser.tsx";
import { said } from "../i18n.ts";
import { useAction } from "../components/actions.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { Field, FormActions, FormError, useSubmit } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { Page } from "../components/Page.tsx";
import { RemoveButton } from "../components/RemoveButton.tsx";
import { formatTime } from "../format.ts";
import { canRunScripts } from "../scripts/RunScriptDialog.tsx";
import { useAccounts } from "../stores/accounts.ts";
import { usePairs } from "../stores/pairs.ts";
import { useUi } from "../stores/ui.ts";
import { PairScriptDialog } from "./PairScriptDialog.tsx";
import { listExtensions } from "./script-rule.ts";

const stateTone: Record<PairView["state"], string> = {
  idle: "ok",
  pending: "busy",
  failed: "bad",
  scanning: "busy",
  syncing: "busy",
  paused: "muted",
  degraded: "warn",
  "waiting-quota": "warn",
  "needs-confirmation": "warn",
  "waiting-journal": "warn",
  error: "bad",
};

/** The message adds nothing when it only repeats the state (paused, scanning, in sync). */
function showsMore(pair: PairView): boolean {
  const said = pair.messagePhrase?.key;
  const repeats = said === "core.pair.paused" || said === "core.pair.scanning" || said === "core.pair.inSync";
  return pair.message.trim() !== "" && !repeats;
}

export function PairsView() {
  const pairs = usePairs((s) => s.pairs);
  const accounts = useAccounts((s) => s.accounts);
  const [adding, setAdding] = useState(false);
  const { t } = useTranslation();
  const canAdd = accounts.length > 0;
  return (
    <Page
      title={t("pairs.title")}
      lead={t("pairs.lead")}
      action={
        !adding &&
        canAdd && (
          <button type="button" className="button primary" onClick={() => setAdding(true)}>
            <Icon name="plus" /> {t("pairs.add")}
          </button>
        )
      }
    >
      {adding && <AddPairForm onDone={() => setAdding(false)} />}
      {pairs.length === 0 && !adding ? (
        <EmptyState
          icon="sync"
          title={t("pairs.emptyTitle")}
          action={
            canAdd && (
              <button type="button" className="button primary" onClick={() => setAdding(true)}>
                {t("pairs.add")}
              </button>
            )
          }
        >
          {canAdd ? t("pairs.emptyBody") : t("pairs.needAccount")}
        </EmptyState>
      ) : (
        <ul className="cards" aria-label={t("pairs.title")}>
          {pairs.map((pair) => (
            <PairCard key={pair.id} pair={pair} account={accounts.find((a) => a.id === pair.accountId)} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function PairCard({ pair, account }: { pair: PairView; account: AccountView | undefined }) {
  const { busy, run: act } = useAction();
  const [editingScript, setEditingScript] = useState(false);
  const { t } = useTranslation();
  const accountName = account?.name ?? "?";
  const store = usePairs.getState();
  const paused = pair.state === "paused";
  const message = showsMore(pair) ? said(pair.message, pair.messagePhrase) : "";
  const mirrored = pair.deletePolicy === "mirror";
  return (
    <li className="card pair" aria-label={t("pairs.card", { path: pair.localPath })}>
      <div className="pair-top">
        <div className="pair-paths">
          <div className="pair-local">
            <Icon name="laptop" size={16} /> <span title={pair.localPath}>{pair.localPath}</span>
          </div>
          <div className="pair-remote">
            <Icon name="cloud" size={16} />
            <span>
              {accountName} <span className="muted">·</span> {pair.remotePath}
            </span>
          </div>
        </div>
        <span className={`status status-${stateTone[pair.state]}`}>{t(`pairs.state.${pair.state}`)}</span>
      </div>
      {(message || mirrored) && (
        <p className="pair-message">
          {message}
          {pair.state === "waiting-quota" && pair.quotaResetsAt
            ? t("pairs.until", { time: formatTime(pair.quotaResetsAt) })
            : ""}
          {mirrored && (
            <span className="muted">
              {message ? " · " : ""}
              {t("pairs.mirrored")}
            </span>
          )}
        </p>
      )}
      {pair.script && (
        <p className="pair-message">
          <Icon name="script" size={14} />{" "}
          {pair.script.name ? (
            <Trans
              i18nKey="pairs.scriptNamed"
              values={{ name: pair.script.name, extensions: listExtensions(pair.script.extensions) }}
              components={{ b: <strong /> }}
            />
          ) : (
            t("pairs.scriptUnnamed", { extensions: listExtensions(pair.script.extensions) })
          )}
        </p>
      )}
      {pair.pendingDeletes > 0 && (
        <div className="callout callout-warn" role="alert">
          <p>
            <Trans i18nKey="pairs.deleted" count={pair.pendingDeletes} components={{ b: <strong /> }} />
          </p>
          <div className="callout-actions">
            <button
              type="button"
              className="button danger"
              disabled={busy}
              onClick={() => void act(() => store.confirmDeletes(pair.id, true), t("pairs.couldNotDelete"))}
            >
              {t("pairs.deleteInCloud")}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void act(() => store.confirmDeletes(pair.id, false), t("pairs.couldNotKeep"))}
            >
              {t("pairs.keepInCloud")}
            </button>
          </div>
        </div>
      )}
      {pair.issues.length > 0 && (
        <details className="issues">
          <summary>{t("pairs.problems", { count: pair.issues.length })}</summary>
          <ul>
            {pair.issues.slice(0, 100).map((issue) => (
              <li key={issue.path}>
                <code>{issue.path}</code> — {said(issue.reason, issue.reasonPhrase)}
                {issue.nextRetryAt ? (
                  <span className="muted">
                    {t("pairs.retriesAt", { time: formatTime(issue.nextRetryAt) })}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="card-actions">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void (paused
              ? act(() => store.resume(pair.id), t("pairs.couldNotResume"))
              : act(() => store.pause(pair.id), t("pairs.couldNotPause")))
          }
        >
          <Icon name={paused ? "play" : "pause"} size={16} /> {paused ? t("pairs.resume") : t("pairs.pause")}
        </button>
        {account && canRunScripts(account) && (
          <button type="button" className="button" onClick={() => setEditingScript(true)}>
            <Icon name="script" size={16} /> {t("pairs.runScriptAfter")}
          </button>
        )}
        <RemoveButton
          question={t("pairs.stopQuestion")}
          confirmLabel={t("pairs.stopSyncing")}
          busy={busy}
          onConfirm={() => void act(() => store.remove(pair.id), t("pairs.couldNotRemove"))}
        />
      </div>
      {editingScript && account && (
        <PairScriptDialog pair={pair} account={account} onClose={() => setEditingScript(false)} />
      )}
    </li>
  );
}

function AddPairForm({ onDone }: { onDone(): void }) {
  const accounts = useAccounts((s) => s.accounts);
  const canPick = useUi((s) => s.info?.canPickFolders ?? false);
  const { t } = useTranslation();
  const [browsing, setBrowsing] = useState(false);
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? "");
  const [localPath, setLocalPath] = useState("");
  const [remotePath, setRemotePath] = useState("/");
  const [remoteTouched, setRemoteTouched] = useState(false);
  const [deletePolicy, setDeletePolicy] = useState<"keep" | "mirror">("keep");
  const { busy, error, setError, submit } = useSubmit(async () => {
    await usePairs
      .getState()
      .add({ accountId, localPath: localPath.trim(), remotePath: remotePath.trim(), deletePolicy });
    onDone();
  });

  const chooseLocal = (path: string) => {
    setLocalPath(path);
    if (!remoteTouched) {
      const base = folderName(path.trim());
      setRemotePath(base && !/^[\\/]+$/.test(base) ? `/${base}` : "/");
    }
  };
  // The desktop app asks the system's folder dialog; the web page browses the folders of the
  // computer docsync runs on. Typing a path works in both.
  const pick = async () => {
    if (!canPick) {
      setBrowsing(true);
      return;
    }
    try {
      const { path } = await call("dialog.pickFolder", { title: t("pairs.form.chooseTitle") });
      if (path) chooseLocal(path);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <form className="card form" onSubmit={submit} aria-label={t("pairs.form.heading")}>
      <h2>{t("pairs.form.heading")}</h2>
      <div className="field">
        <label htmlFor="pair-local">{t("pairs.form.local")}</label>
        <div className="field-row">
          <input
            id="pair-local"
            aria-describedby="pair-local-help"
            value={localPath}
            onChange={(e) => chooseLocal(e.target.value)}
            placeholder={t("pairs.form.placeholder")}
            spellCheck={false}
            autoComplete="off"
            required
            data-autofocus
          />
          <button type="button" className="button" onClick={() => void pick()}>
            {t("pairs.form.choose")}
          </button>
        </div>
        <small id="pair-local-help">{canPick ? t("pairs.form.helpPick") : t("pairs.form.helpType")}</small>
      </div>
      {browsing && (
        <FolderBrowser
          start={localPath.trim() || undefined}
          onChoose={(path) => {
            chooseLocal(path);
            setBrowsing(false);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
      <div className="field-grid">
        <label className="field">
          <span>{t("pairs.form.account")}</span>
          <select value={accountId} onChange={(e) => setAccountId(e.target.value)}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.sandbox ? t("pairs.form.localCloudSuffix") : ""}
              </option>
            ))}
          </select>
        </label>
        <Field
          label={t("pairs.form.cloudFolder")}
          value={remotePath}
          onValue={(path) => {
            setRemoteTouched(true);
            setRemotePath(path);
          }}
          pattern="/.*"
          title={t("pairs.form.pathTitle")}
          required
        />
      </div>
      <label className="field">
        <span>{t("pairs.form.whenDeleted")}</span>
        <select value={deletePolicy} onChange={(e) => setDeletePolicy(e.target.value as "keep" | "mirror")}>
          <option value="keep">{t("pairs.form.keep")}</option>
          <option value="mirror">{t("pairs.form.mirror")}</option>
        </select>
      </label>
      <FormError error={error} />
      <FormActions onCancel={onDone} disabled={busy || !accountId || !localPath.trim()}>
        {busy ? t("common.starting") : t("pairs.form.start")}
      </FormActions>
    </form>
  );
}
