/** "Remove", which asks once more in place before it acts. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Icon } from "./Icon.tsx";

export function RemoveButton(props: {
  /** The question asked in place, e.g. "Stop syncing? Files stay where they are." */
  question: string;
  confirmLabel: string;
  busy?: boolean;
  onConfirm(): void;
}) {
  const [asking, setAsking] = useState(false);
  const { t } = useTranslation();
  if (!asking) {
    return (
      <button type="button" className="button quiet" onClick={() => setAsking(true)}>
        <Icon name="trash" size={16} /> {t("common.remove")}
      </button>
    );
  }
  return (
    <span className="inline-confirm">
      {props.question}
      <button type="button" className="button danger" disabled={props.busy} onClick={props.onConfirm}>
        {props.confirmLabel}
      </button>
      <button type="button" className="button" onClick={() => setAsking(false)}>
        {t("common.keep")}
      </button>
    </span>
  );
}
