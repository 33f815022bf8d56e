import { useTranslation } from "react-i18next";
import { Icon, type IconName } from "./Icon.tsx";
import { said } from "../i18n.ts";
import { useAccounts } from "../stores/accounts.ts";
import { usePairs } from "../stores/pairs.ts";
import { useUi, type View } from "../stores/ui.ts";

function NavButton(props: {
  icon: IconName;
  label: string;
  current: boolean;
  badge?: string;
  tone?: string;
  onClick(): void;
}) {
  return (
    <button
      type="button"
      className={props.current ? "nav-item is-current" : "nav-item"}
      aria-current={props.current ? "page" : undefined}
      onClick={props.onClick}
    >
      <Icon name={props.icon} />
      <span className="nav-label">{props.label}</span>
      {props.badge && <span className={`nav-badge ${props.tone ?? ""}`}>{props.badge}</span>}
    </button>
  );
}

export function Sidebar(props: { accountId: string | null; onOpenAccount(accountId: string): void }) {
  const { t } = useTranslation();
  const view = useUi((s) => s.view);
  const show = useUi((s) => s.show);
  const connected = useUi((s) => s.connected);
  const info = useUi((s) => s.info);
  const accounts = useAccounts((s) => s.accounts);
  const pairs = usePairs((s) => s.pairs);
  const troubled = pairs.filter(
    (p) => p.issues.length > 0 || ["degraded", "error", "needs-confirmation"].includes(p.state),
  ).length;
  const go = (next: View) => () => show(next);
  return (
    <nav className="sidebar" aria-label={t("nav.main")}>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="sync" size={18} />
        </span>
        docsync
      </div>
      <div className="nav-section">
        <h2 className="nav-heading">{t("nav.cloud")}</h2>
        {accounts.map((account) => (
          <button
            key={account.id}
            type="button"
            className={
              view === "files" && props.accountId === account.id ? "nav-item is-current" : "nav-item"
            }
            aria-current={view === "files" && props.accountId === account.id ? "page" : undefined}
            onClick={() => props.onOpenAccount(account.id)}
          >
            <Icon name="cloud" />
            <span className="nav-label">{account.name}</span>
            <span
              className={`dot dot-${account.status.state}`}
              title={
                account.status.state === "error" && account.status.message
                  ? said(account.status.message, account.status.messagePhrase)
                  : t(`nav.accountState.${account.status.state}`)
              }
              aria-label={t(`nav.accountState.${account.status.state}`)}
            />
          </button>
        ))}
        {accounts.length === 0 && <p className="nav-empty">{t("nav.noAccount")}</p>}
      </div>
      <div className="nav-section">
        <NavButton
          icon="sync"
          label={t("nav.syncFolders")}
          current={view === "pairs"}
          badge={troubled > 0 ? String(troubled) : pairs.length > 0 ? String(pairs.length) : undefined}
          tone={troubled > 0 ? "warn" : undefined}
          onClick={go("pairs")}
        />
        <NavButton
          icon="activity"
          label={t("nav.activity")}
          current={view === "activity"}
          onClick={go("activity")}
        />
        <NavButton
          icon="accounts"
          label={t("nav.accounts")}
          current={view === "accounts"}
          onClick={go("accounts")}
        />
        <NavButton
          icon="settings"
          label={t("nav.settings")}
          current={view === "settings"}
          onClick={go("settings")}
        />
      </div>
      <div className="sidebar-foot">
        <span className={connected ? "dot dot-connected" : "dot dot-error"} aria-hidden="true" />
        {connected ? (info?.shell === "web" ? t("nav.runningHere") : t("nav.ready")) : t("nav.reconnecting")}
      </div>
    </nav>
  );
}
