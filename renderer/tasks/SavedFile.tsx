/** A finished download's file, and "Show in folder": the desktop shell opens the file manager, the web shell shows the path. */
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { TaskView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { attempt } from "../components/actions.ts";
import { Icon } from "../components/Icon.tsx";
import { useUi } from "../stores/ui.ts";
import { fileNameOf, savedPathOf } from "./saved-file.ts";

export function SavedFile({ task }: { task: TaskView }) {
  const desktop = useUi((s) => s.info?.shell === "desktop");
  const [shown, setShown] = useState(false);
  const { t } = useTranslation();
  const path = savedPathOf(task);
  if (!path) return null;
  const show = async () => {
    if (desktop) await attempt(() => call("shell.showInFolder", { path }), t("tasks.couldNotShow"));
    else setShown(true);
  };
  return (
    <div className="task-saved">
      <span>
        <Trans i18nKey="tasks.savedAs" values={{ name: fileNameOf(path) }} components={{ b: <strong /> }} />
      </span>
      {!shown && (
        <button type="button" className="button small" onClick={() => void show()}>
          <Icon name="folder" size={14} /> {t("tasks.showInFolder")}
        </button>
      )}
      {shown && (
        <code className="task-saved-path" aria-label={t("tasks.whereSaved", { name: fileNameOf(path) })}>
          {path}
        </code>
      )}
    </div>
  );
}
