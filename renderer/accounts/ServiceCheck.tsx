/**
 * "Check with the service": a harmless round trip against the account's service, one line per step,
 * with where its answers differ from the contract, and the report as JSON to attach to a message.
 */
import { useEffect, useMemo } from "react";
import type { AccountCheck, AccountView } from "../../shared/model.ts";
import { attempt } from "../components/actions.ts";
import { formatDate } from "../format.ts";
import { useAccounts } from "../stores/accounts.ts";

const OUTCOME = { ok: "OK", failed: "Failed", skipped: "Skipped" } as const;
const TONE = { ok: "ok", failed: "bad", skipped: "muted" } as const;

export function CheckButton({ account }: { account: AccountView }) {
  const checking = useAccounts((s) => s.checking[account.id] === true);
  const run = () =>
    attempt(() => useAccounts.getState().check(account.id), "The check with the service did not run");
  return (
    <button type="button" className="button" disabled={checking} onClick={() => void run()}>
      {checking ? "Checking with the service…" : "Check with the service"}
    </button>
  );
}

export function CheckReport({ account }: { account: AccountView }) {
  const check = useAccounts((s) => s.checks[account.id]);
  if (!check) return null;
  const differences = check.steps.reduce((sum, step) => sum + step.differences.length, 0);
  return (
    <section className="check-report" aria-label={`Check of ${account.name} with the service`}>
      <p className={`status status-${check.ok ? "ok" : "bad"}`}>
        {check.ok ? "The account works" : "The account does not work"}
        {differences > 0
          ? ` · ${differences} ${differences === 1 ? "answer differs" : "answers differ"} from the contract`
          : " · every answer was as the contract says"}
      </p>
      <ol className="check-steps">
        {check.steps.map((step) => (
          <li key={step.name} aria-label={`${step.name}: ${OUTCOME[step.outcome]}`}>
            <span className={`status status-${TONE[step.outcome]}`}>{OUTCOME[step.outcome]}</span>{" "}
            <strong>{step.name}</strong>: {step.said}
            {step.differences.length > 0 && (
              <ul aria-label={`Differences in ${step.name}`}>
                {step.differences.map((difference) => (
                  <li key={`${difference.kind} ${difference.call} ${difference.field}`}>{difference.text}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      <p className="muted">
        Checked {formatDate(check.finishedAt)}. <ReportLink check={check} />
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
  const name = `docsync-check-${check.accountName.replace(/[^\w.-]+/g, "_")}.json`;
  return (
    <a href={href} download={name}>
      Save the report (JSON)
    </a>
  );
}
