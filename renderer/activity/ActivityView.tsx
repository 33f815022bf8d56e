import { useTranslation } from "react-i18next";
import { EmptyState } from "../components/EmptyState.tsx";
import { Icon } from "../components/Icon.tsx";
import { Page } from "../components/Page.tsx";
import { formatDate } from "../format.ts";
import { said } from "../i18n.ts";
import { useActivity } from "../stores/activity.ts";

export function ActivityView() {
  const entries = useActivity((s) => s.entries);
  const { t } = useTranslation();
  return (
    <Page title={t("activity.title")} lead={t("activity.lead")}>
      {entries.length === 0 ? (
        <EmptyState icon="activity" title={t("activity.emptyTitle")}>
          {t("activity.emptyBody")}
        </EmptyState>
      ) : (
        <ol className="activity" aria-label={t("activity.title")}>
          {entries.map((entry) => (
            <li key={entry.seq} className={`activity-item level-${entry.level}`}>
              <span className="activity-icon">
                <Icon name={entry.level === "info" ? "check" : "alert"} size={16} />
              </span>
              <span className="activity-text">{said(entry.text, entry.phrase)}</span>
              <time className="activity-time" dateTime={new Date(entry.time).toISOString()}>
                {formatDate(entry.time)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </Page>
  );
}
