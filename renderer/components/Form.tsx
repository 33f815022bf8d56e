/** The pieces every form and dialog shares: submitting with a busy state, the error line, the buttons. */
import { useState, type InputHTMLAttributes, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { describeError } from "../bridge/client.ts";

export interface Submission {
  busy: boolean;
  error: string | null;
  setError(error: string | null): void;
  /** Runs the work; its failure is shown by `FormError` and the form can be sent again. */
  submit(event?: React.FormEvent): Promise<void>;
}

/** Runs one piece of work at a time (busy meanwhile); its failure is shown by `FormError`. */
export function useAction(): Omit<Submission, "submit"> & { run(work: () => Promise<void>): Promise<void> } {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** `work` closes the form when it succeeds; until then the form is busy. */
export function useSubmit(work: () => Promise<void>): Submission {
  const { busy, error, setError, run } = useAction();
  const submit = async (event?: React.FormEvent) => {
    event?.preventDefault();
    await run(work);
  };
  return { busy, error, setError, submit };
}

export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="form-error">
      {error}
    </p>
  );
}

/** Cancel, and the form's submit button. */
export function FormActions(props: { onCancel(): void; disabled?: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="button" className="button" onClick={props.onCancel}>
        {t("common.cancel")}
      </button>
      <button type="submit" className="button primary" disabled={props.disabled}>
        {props.children}
      </button>
    </div>
  );
}

/** A dialog's footer: what the action will do, Cancel, and the action's button. */
export function DialogActions(props: { status: ReactNode; onCancel(): void; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <span className="dialog-status">{props.status}</span>
      <button type="button" className="button" onClick={props.onCancel}>
        {t("common.cancel")}
      </button>
      {props.children}
    </>
  );
}

/** A labelled text input; `hint` goes below it. A `secret` one is masked and never autofilled. */
export function Field({
  label,
  hint,
  secret,
  onValue,
  ...input
}: {
  label: string;
  hint?: ReactNode;
  secret?: boolean;
  onValue(value: string): void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "onChange">) {
  const masked = secret ? { type: "password", autoComplete: "new-password", spellCheck: false } : {};
  return (
    <label className="field">
      <span>{label}</span>
      <input {...masked} {...input} onChange={(event) => onValue(event.target.value)} />
      {hint && <small>{hint}</small>}
    </label>
  );
}
