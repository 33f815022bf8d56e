/**
 * The web page's "Choose…": the folders of the computer docsync runs on, listed by the core (its
 * home first, or the folder already typed), to open one by one and choose. Symbolic links are not
 * listed, so what is chosen is a real folder there.
 */
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FolderListing } from "../../shared/model.ts";
import { call, describeError } from "../bridge/client.ts";
import { Dialog } from "../components/Dialog.tsx";
import { DialogActions, FormError } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";

export function FolderBrowser(props: { start?: string; onChoose(path: string): void; onClose(): void }) {
  const { t } = useTranslation();
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [hidden, setHidden] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const open = useCallback(async (path: string | undefined, showHidden: boolean, fallBackHome = false) => {
    setBusy(true);
    setError(null);
    try {
      setListing(await call("folders.list", { ...(path ? { path } : {}), hidden: showHidden }));
    } catch (failure) {
      // A typed path that is not a folder here: start at the home instead, and say why.
      if (fallBackHome) {
        setListing(await call("folders.list", { hidden: showHidden }).catch(() => null));
      }
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    void open(props.start, false, props.start !== undefined);
    // Only when the browser opens; later moves are the user's.
  }, []);

  const parentName = listing?.parent
    ? listing.parent.split(/[\\/]/).filter(Boolean).pop() || listing.parent
    : "";
  return (
    <Dialog
      title={t("browse.title")}
      onClose={props.onClose}
      wide
      footer={
        <DialogActions
          status={<code className="browse-path">{listing?.path ?? ""}</code>}
          onCancel={props.onClose}
        >
          <button
            type="button"
            className="button primary"
            disabled={!listing || busy}
            onClick={() => listing && props.onChoose(listing.path)}
          >
            {t("browse.choose")}
          </button>
        </DialogActions>
      }
    >
      <p className="dialog-lead">{t("browse.lead")}</p>
      <div className="browse-bar">
        <button
          type="button"
          className="button small"
          disabled={!listing?.parent || busy}
          onClick={() => listing?.parent && void open(listing.parent, hidden)}
        >
          <Icon name="up" size={14} /> {t("browse.up", { name: parentName })}
        </button>
        <button
          type="button"
          className="button small"
          disabled={busy}
          onClick={() => void open(undefined, hidden)}
        >
          <Icon name="laptop" size={14} /> {t("browse.home")}
        </button>
        <label className="browse-hidden">
          <input
            type="checkbox"
            checked={hidden}
            onChange={(event) => {
              setHidden(event.target.checked);
              if (listing) void open(listing.path, event.target.checked);
            }}
          />
          {t("browse.hidden")}
        </label>
      </div>
      {listing && (
        <ul className="browse-list" aria-label={t("browse.folders", { path: listing.path })} aria-busy={busy}>
          {listing.folders.map((folder) => (
            <li key={folder.path}>
              <button
                type="button"
                className="browse-folder"
                aria-label={t("browse.open", { name: folder.name })}
                disabled={busy}
                onClick={() => void open(folder.path, hidden)}
              >
                <Icon name="folder" className="kind-folder" />
                <span>{folder.name}</span>
                <Icon name="chevron" size={14} className="browse-go" />
              </button>
            </li>
          ))}
          {listing.folders.length === 0 && <li className="browse-none">{t("browse.none")}</li>}
        </ul>
      )}
      <FormError error={error} />
    </Dialog>
  );
}
