import { EmptyState } from "../components/EmptyState.tsx";
import { Icon } from "../components/Icon.tsx";
import { Page } from "../components/Page.tsx";
import { formatDate } from "../format.ts";
import { useActivity } from "../stores/activity.ts";

export function ActivityView() {
  const entries = useActivity((s) => s.entries);
  return (
    <Page title="Activity" lead="What docsync did, newest first.">
      {entries.length === 0 ? (
        <EmptyState icon="activity" title="Nothing has happened yet">
          Uploads, moves and sync changes are listed here as they happen.
        </EmptyState>
      ) : (
        <ol className="activity" aria-label="Activity">
          {entries.map((entry) => (
            <li key={entry.seq} className={`activity-item level-${entry.level}`}>
              <span className="activity-icon">
                <Icon name={entry.level === "info" ? "check" : "alert"} size={16} />
              </span>
              <span className="activity-text">{entry.text}</span>
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
