/** A finished download's file, and "Show in folder": the desktop shell opens the file manager, the web shell shows the path. */
import { useState } from "react";
import type { TaskView } from "../../shared/model.ts";
import { call } from "../bridge/client.ts";
import { attempt } from "../components/actions.ts";
import { Icon } from "../components/Icon.tsx";
import { useUi } from "../stores/ui.ts";
import { fileNameOf, savedPathOf } from "./saved-file.ts";

export function SavedFile({ task }: { task: TaskView }) {
  const desktop = useUi((s) => s.info?.shell === "desktop");
  const [shown, setShown] = useState(false);
  const path = savedPathOf(task);
  if (!path) return null;
  const show = async () => {
    if (desktop) await attempt(() => call("shell.showInFolder", { path }), "Could not show the file");
    else setShown(true);
  };
  return (
    <div className="task-saved">
      <span>
        Saved as <strong>{fileNameOf(path)}</strong>
      </span>
      {!shown && (
        <button type="button" className="button small" onClick={() => void show()}>
          <Icon name="folder" size={14} /> Show in folder
        </button>
      )}
      {shown && (
        <code className="task-saved-path" aria-label={`Where ${fileNameOf(path)} was saved`}>
          {path}
        </code>
      )}
    </div>
  );
}
