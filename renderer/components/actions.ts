/** Actions started from a button: a failure becomes an error toast, and the button knows while one runs. */
import { useState } from "react";
import { describeError } from "../bridge/client.ts";
import { i18n } from "../i18n.ts";
import { useUi } from "../stores/ui.ts";

/** Runs `work`; a failure is told in a toast that starts with `failure` ("Could not pause: …"). */
export async function attempt(work: () => Promise<unknown>, failure: string): Promise<void> {
  try {
    await work();
  } catch (error) {
    useUi.getState().toast("error", i18n.t("common.failedWith", { failure, error: describeError(error) }));
  }
}

/** `attempt`, with `busy` true while an action of this control runs (to disable its buttons). */
export function useAction(): {
  busy: boolean;
  run(work: () => Promise<unknown>, failure: string): Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<unknown>, failure: string) => {
    setBusy(true);
    try {
      await attempt(work, failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
