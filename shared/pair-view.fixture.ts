/** A sync pair as the UI sees it, in sync, for tests of what is shown about pairs. */
import type { PairView } from "./model.ts";

export const idlePair = (changes: Partial<PairView> = {}): PairView => ({
  id: "p1",
  accountId: "a1",
  localPath: "/home/you/Reports",
  remotePath: "/Reports",
  deletePolicy: "mirror",
  state: "idle",
  message: "in sync",
  pendingFiles: 0,
  toSend: 0,
  pendingDeletes: 0,
  issues: [],
  ...changes,
});
