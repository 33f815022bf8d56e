/**
 * "Check with the service": a harmless round trip against the account's service, one line per step,
 * with where its answers differ from the contract, and the report as JSON to attach to a message.
 */
import { useEffect, useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { AccountCheck, AccountView } from "../../shared/model.ts";
import { attempt } from "../components/actions.ts";
import { formatDate } from "../format.ts";
import { useAccounts } from "../stores/accounts.ts";

const TONE = { ok: "ok", failed: "bad", skipped: "muted" } as const;

export function CheckButton({ account }: { account: AccountView }) {
  const checking = useAccounts((s) => s.checking[account.id] === true);
  const { t } = useTranslation();
  const run = () => attempt(() => useAccounts.getState().check(account.id), t("accounts.check.didNotRun"));
  return (
    <button type="button" className="button" disabled={checking} onClick={() => void run()}>
      {checking ? t("accounts.check.running") : t("accounts.check.run")}
    </button>
  );
}

export function CheckReport({ account }: { account: AccountView }) {
  const check = useAccounts((s) => s.checks[account.id]);
  const { t } = useTranslation();
  if (!check) return null;
  const differences = check.steps.reduce((sum, step) => sum + step.differences.length, 0);
  return (
    <section className="check-report" aria-label={t("accounts.check.report", { name: account.name })}>
      <p className={`status status-${check.ok ? "ok" : "bad"}`}>
        {check.ok ? t("accounts.check.works") : t("accounts.check.doesNotWork")}
        {differences > 0
          ? t("accounts.check.differ", { count: differences })
          : t("accounts.check.asContract")}
      </p>
      <ol className="check-steps">
        {check.steps.map((step) => (
          <li
            key={step.name}
            aria-label={t("accounts.check.step", {
              name: step.name,
              outcome: t(`accounts.check.outcome.${step.outcome}`),
            })}
          >
            <span className={`status status-${TONE[step.outcome]}`}>
              {t(`accounts.check.outcome.${step.outcome}`)}
            </span>{" "}
            <strong>{step.name}</strong>: {step.said}
            {step.differences.length > 0 && (
              <ul aria-label={t("accounts.check.differences", { name: step.name })}>
                {step.differences.map((difference) => (
                  <li key={`${difference.kind} ${difference.call} ${difference.field}`}>{difference.text}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      <p className="muted">
        {t("accounts.check.checkedAt", { time: formatDate(check.finishedAt) })} <ReportLink check={check} />
      </p>
    </section>
  );
}

/** The report as a JSON file the user can save and attach. */
function ReportLink({ check }: { check: AccountCheck }) {
  const href = useMemo(
    () => URL.createObjectURL(new Blob([JSON.stringify(check, null, 2)], { type: "application/json" })),
    [check],
  );
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  const { t } = useTranslation();
  const name = `docsync-check-${check.accountName.replace(/[^\w.-]+/g, "_")}.json`;
  return (
    <a href={href} download={name}>
      {t("accounts.check.saveReport")}
    </a>
  );
}
