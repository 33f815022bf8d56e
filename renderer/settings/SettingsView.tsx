/** Settings: the language, notifications and the tour, kept by the core for every shell. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ChannelInput } from "../../shared/contract.ts";
import { languages, type LanguageChoice } from "../../shared/i18n/language.ts";
import { attempt } from "../components/actions.ts";
import { Page } from "../components/Page.tsx";
import { languageFor } from "../i18n.ts";
import { canNotify } from "../notices/notify.ts";
import { useAccounts } from "../stores/accounts.ts";
import { useSettings } from "../stores/settings.ts";
import { useUi } from "../stores/ui.ts";

export function SettingsView() {
  const { t } = useTranslation();
  const preferences = useSettings((s) => s.preferences);
  const info = useUi((s) => s.info);
  const hasLocalCloud = useAccounts((s) => s.accounts.some((a) => a.sandbox));
  const [blocked, setBlocked] = useState(
    info?.shell === "web" && canNotify() && Notification.permission === "denied",
  );
  if (!preferences) return <div className="page page-loading">{t("common.loading")}</div>;
  const change = (changes: ChannelInput<"settings.set">) =>
    attempt(() => useSettings.getState().change(changes), t("settings.couldNotSave"));
  const system = t(`settings.languages.${languageFor("system", info?.systemLocale)}`);

  const setNotifications = async (on: boolean) => {
    // The web page may notify only once the browser allows it; asking needs this click.
    if (on && info?.shell === "web" && canNotify() && Notification.permission !== "granted") {
      const answer = await Notification.requestPermission();
      setBlocked(answer === "denied");
    }
    await change({ notifications: on });
  };

  return (
    <Page title={t("settings.title")} lead={t("settings.lead")}>
      <section className="card form settings">
        <label className="field">
          <span>{t("settings.language")}</span>
          <select
            value={preferences.language}
            onChange={(event) => void change({ language: event.target.value as LanguageChoice })}
          >
            <option value="system">{t("settings.system", { language: system })}</option>
            {languages.map((language) => (
              <option key={language} value={language} lang={language}>
                {t(`settings.languages.${language}`)}
              </option>
            ))}
          </select>
          <small>{t("settings.languageHint")}</small>
        </label>
        <fieldset className="settings-group">
          <legend>{t("settings.notifications")}</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={preferences.notifications}
              onChange={(event) => void setNotifications(event.target.checked)}
            />
            {t("settings.notify")}
          </label>
          <small>{t("settings.notifyHint")}</small>
          {blocked && preferences.notifications && (
            <p className="callout callout-warn" role="note">
              {t("settings.webNotifyBlocked")}
            </p>
          )}
        </fieldset>
        {hasLocalCloud && (
          <fieldset className="settings-group">
            <legend>{t("settings.tour")}</legend>
            <button
              type="button"
              className="button"
              disabled={!preferences.tourDone}
              onClick={() => void change({ tourDone: false }).then(() => useUi.getState().show("files"))}
            >
              {t("settings.tourAgain")}
            </button>
          </fieldset>
        )}
      </section>
    </Page>
  );
}
