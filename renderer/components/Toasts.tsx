import { useTranslation } from "react-i18next";
import { useUi } from "../stores/ui.ts";
import { Icon } from "./Icon.tsx";

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const dismiss = useUi((s) => s.dismiss);
  const { t } = useTranslation();
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.tone}`}>
          <Icon
            name={toast.tone === "error" ? "alert" : toast.tone === "busy" ? "sync" : "check"}
            className={toast.tone === "busy" ? "spin" : undefined}
          />
          <span>{toast.text}</span>
          <button
            type="button"
            className="icon-button"
            aria-label={t("common.dismiss")}
            onClick={() => dismiss(toast.id)}
          >
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
