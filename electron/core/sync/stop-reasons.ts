/**
 * Why an upload's signal was aborted matters to what the cloud keeps: a user who cancels (or removes
 * the pair) wants the half-staged upload freed on the server, while docsync stopping or a pair
 * pausing keeps it, to continue from there. The reason says which: a CloudError of kind "cancelled"
 * for the first, anything else for the second.
 */
import { CloudError } from "../cloud/errors.ts";

export const cancelledBy = (what: string): CloudError => new CloudError("cancelled", what);

/** An upload's signal: the task's cancel (a "cancelled" reason) or docsync's stop (its own reason). */
export function uploadSignal(
  cancel: AbortSignal,
  stop: AbortSignal,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onCancel = (): void => controller.abort(cancelledBy("The upload was cancelled."));
  const onStop = (): void => controller.abort(stop.reason);
  const dispose = (): void => {
    cancel.removeEventListener("abort", onCancel);
    stop.removeEventListener("abort", onStop);
  };
  if (cancel.aborted) onCancel();
  else if (stop.aborted) onStop();
  else {
    cancel.addEventListener("abort", onCancel, { once: true });
    stop.addEventListener("abort", onStop, { once: true });
  }
  return { signal: controller.signal, dispose };
}
