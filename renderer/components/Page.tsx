/** A page of the main area: its title and lead, an action on the right, and its body. */
import type { ReactNode } from "react";

export function Page(props: { title: string; lead: string; action?: ReactNode; children: ReactNode }) {
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>{props.title}</h1>
          <p className="page-lead">{props.lead}</p>
        </div>
        {props.action}
      </header>
      <div className="page-body">{props.children}</div>
    </div>
  );
}
