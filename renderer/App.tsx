import { useEffect, useState } from "react";
import { applyLanguage } from "./i18n.ts";
import { AccountsView } from "./accounts/AccountsView.tsx";
import { ActivityView } from "./activity/ActivityView.tsx";
import { Sidebar } from "./components/Sidebar.tsx";
import { Toasts } from "./components/Toasts.tsx";
import { FilesView } from "./files/FilesView.tsx";
import { PairsView } from "./pairs/PairsView.tsx";
import { useAttentionNotices } from "./notices/notify.ts";
import { RunScriptHost } from "./scripts/RunScriptDialog.tsx";
import { SettingsView } from "./settings/SettingsView.tsx";
import { useAccounts } from "./stores/accounts.ts";
import { useSettings } from "./stores/settings.ts";
import { useUi } from "./stores/ui.ts";
import { TaskPanel } from "./tasks/TaskPanel.tsx";

export function App() {
  const view = useUi((s) => s.view);
  const accounts = useAccounts((s) => s.accounts);
  const [accountId, setAccountId] = useState<string | null>(null);
  const language = useSettings((s) => s.preferences?.language ?? "system");
  const systemLocale = useUi((s) => s.info?.systemLocale);
  useEffect(() => applyLanguage(language, systemLocale), [language, systemLocale]);
  useAttentionNotices();

  // The first account opens by itself; a removed one falls back to the next.
  useEffect(() => {
    if (accounts.length > 0 && !accounts.some((a) => a.id === accountId)) setAccountId(accounts[0]!.id);
  }, [accounts, accountId]);

  const openAccount = (id: string) => {
    setAccountId(id);
    useUi.getState().show("files");
  };

  return (
    <div className="app">
      <Sidebar accountId={accountId} onOpenAccount={openAccount} />
      <main className="main">
        {view === "files" && <FilesView accountId={accountId} />}
        {view === "pairs" && <PairsView />}
        {view === "activity" && <ActivityView />}
        {view === "accounts" && <AccountsView />}
        {view === "settings" && <SettingsView />}
      </main>
      <TaskPanel />
      <RunScriptHost />
      <Toasts />
    </div>
  );
}
