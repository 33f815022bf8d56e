/** Sync folders: pair a local folder with a cloud folder, and see each pair's state and issues. */
import { useState } from "react";
import type { AccountView, PairView } from "../../shared/model.ts";
import { call, describeError } from "../bridge/client.ts";
import { useAction } from "../components/actions.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { Field, FormActions, FormError, useSubmit } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { Page } from "../components/Page.tsx";
import { RemoveButton } from "../components/RemoveButton.tsx";
import { formatTime, plural } from "../format.ts";
import { canRunScripts } from "../scripts/RunScriptDialog.tsx";
import { useAccounts } from "../stores/accounts.ts";
import { usePairs } from "../stores/pairs.ts";
import { useUi } from "../stores/ui.ts";
import { PairScriptDialog } from "./PairScriptDialog.tsx";
import { listExtensions } from "./script-rule.ts";

const stateLabel: Record<PairView["state"], string> = {
  idle: "In sync",
  pending: "To send",
  failed: "Failed",
  scanning: "Scanning",
  syncing: "Syncing",
  paused: "Paused",
  degraded: "Degraded",
  "waiting-quota": "Waiting for quota",
  "needs-confirmation": "Needs your answer",
  "waiting-journal": "Waiting for the journal",
  error: "Error",
};

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

/** The message adds nothing when it only repeats the state's label. */
function showsMore(pair: PairView): boolean {
  return (
    pair.message.trim() !== "" && pair.message.trim().toLowerCase() !== stateLabel[pair.state].toLowerCase()
  );
}

export function PairsView() {
  const pairs = usePairs((s) => s.pairs);
  const accounts = useAccounts((s) => s.accounts);
  const [adding, setAdding] = useState(false);
  const canAdd = accounts.length > 0;
  return (
    <Page
      title="Sync folders"
      lead="Each folder here is kept current in the cloud as you work."
      action={
        !adding &&
        canAdd && (
          <button type="button" className="button primary" onClick={() => setAdding(true)}>
            <Icon name="plus" /> Add sync folder
          </button>
        )
      }
    >
      {adding && <AddPairForm onDone={() => setAdding(false)} />}
      {pairs.length === 0 && !adding ? (
        <EmptyState
          icon="sync"
          title="No folders are synced yet"
          action={
            canAdd && (
              <button type="button" className="button primary" onClick={() => setAdding(true)}>
                Add sync folder
              </button>
            )
          }
        >
          {canAdd
            ? "Pair a folder on this computer with a cloud folder, and docsync uploads every change by itself."
            : "Add a cloud account first."}
        </EmptyState>
      ) : (
        <ul className="cards" aria-label="Sync folders">
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
  const accountName = account?.name ?? "?";
  const store = usePairs.getState();
  const paused = pair.state === "paused";
  const message = showsMore(pair) ? pair.message : "";
  const mirrored = pair.deletePolicy === "mirror";
  return (
    <li className="card pair" aria-label={`Sync folder ${pair.localPath}`}>
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
        <span className={`status status-${stateTone[pair.state]}`}>{stateLabel[pair.state]}</span>
      </div>
      {(message || mirrored) && (
        <p className="pair-message">
          {message}
          {pair.state === "waiting-quota" && pair.quotaResetsAt
            ? ` (until ${formatTime(pair.quotaResetsAt)})`
            : ""}
          {mirrored && <span className="muted">{message ? " · " : ""}Deletes are mirrored</span>}
        </p>
      )}
      {pair.script && (
        <p className="pair-message">
          <Icon name="script" size={14} /> Runs{" "}
          {pair.script.name ? <strong>{pair.script.name}</strong> : "a script"} on{" "}
          {listExtensions(pair.script.extensions)} uploads
        </p>
      )}
      {pair.pendingDeletes > 0 && (
        <div className="callout callout-warn" role="alert">
          <p>
            <strong>{plural(pair.pendingDeletes, "file")}</strong> were deleted in this folder. Delete them in
            the cloud too?
          </p>
          <div className="callout-actions">
            <button
              type="button"
              className="button danger"
              disabled={busy}
              onClick={() => void act(() => store.confirmDeletes(pair.id, true), "Could not delete")}
            >
              Delete in the cloud
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => void act(() => store.confirmDeletes(pair.id, false), "Could not keep them")}
            >
              Keep them in the cloud
            </button>
          </div>
        </div>
      )}
      {pair.issues.length > 0 && (
        <details className="issues">
          <summary>{plural(pair.issues.length, "file failed", "files failed")}</summary>
          <ul>
            {pair.issues.slice(0, 100).map((issue) => (
              <li key={issue.path}>
                <code>{issue.path}</code> — {issue.reason}
                {issue.nextRetryAt ? (
                  <span className="muted"> · next try at {formatTime(issue.nextRetryAt)}</span>
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
              ? act(() => store.resume(pair.id), "Could not resume")
              : act(() => store.pause(pair.id), "Could not pause"))
          }
        >
          <Icon name={paused ? "play" : "pause"} size={16} /> {paused ? "Resume" : "Pause"}
        </button>
        {account && canRunScripts(account) && (
          <button type="button" className="button" onClick={() => setEditingScript(true)}>
            <Icon name="script" size={16} /> Run a script after upload…
          </button>
        )}
        <RemoveButton
          question="Stop syncing? Files stay where they are."
          confirmLabel="Stop syncing"
          busy={busy}
          onConfirm={() => void act(() => store.remove(pair.id), "Could not remove")}
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
      const base = path
        .replace(/[\\/]+$/, "")
        .split(/[\\/]/)
        .pop();
      setRemotePath(base ? `/${base}` : "/");
    }
  };
  const pick = async () => {
    try {
      const { path } = await call("dialog.pickFolder", { title: "Choose a folder to sync" });
      if (path) chooseLocal(path);
    } catch (failure) {
      setError(describeError(failure));
    }
  };
  return (
    <form className="card form" onSubmit={submit} aria-label="Add sync folder">
      <h2>Add sync folder</h2>
      <div className="field">
        <label htmlFor="pair-local">Local folder</label>
        <div className="field-row">
          <input
            id="pair-local"
            aria-describedby="pair-local-help"
            value={localPath}
            onChange={(e) => chooseLocal(e.target.value)}
            placeholder="/home/you/Documents/Reports"
            readOnly={canPick}
            required
            data-autofocus
          />
          {canPick && (
            <button type="button" className="button" onClick={() => void pick()}>
              Choose…
            </button>
          )}
        </div>
        <small id="pair-local-help">
          {canPick
            ? "The folder on this computer to keep in sync."
            : "The full path of a folder on the computer docsync runs on."}
        </small>
      </div>
      <div className="field-grid">
        <label className="field">
          <span>Account</span>
          <select value={accountId} onChange={(e) => setAccountId(e.target.value)}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.sandbox ? " (local cloud)" : ""}
              </option>
            ))}
          </select>
        </label>
        <Field
          label="Cloud folder"
          value={remotePath}
          onValue={(path) => {
            setRemoteTouched(true);
            setRemotePath(path);
          }}
          pattern="/.*"
          title="A path that starts with /"
          required
        />
      </div>
      <label className="field">
        <span>When a file is deleted here</span>
        <select value={deletePolicy} onChange={(e) => setDeletePolicy(e.target.value as "keep" | "mirror")}>
          <option value="keep">Keep it in the cloud</option>
          <option value="mirror">Delete it in the cloud too (asks before large deletions)</option>
        </select>
      </label>
      <FormError error={error} />
      <FormActions onCancel={onDone} disabled={busy || !accountId || !localPath.trim()}>
        {busy ? "Starting…" : "Start syncing"}
      </FormActions>
    </form>
  );
}
