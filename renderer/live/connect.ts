/** Wires the live feed into the stores. */
import { call, describeError } from "../bridge/client.ts";
import type { CoreEvent, ShellBridge } from "../bridge/types.ts";
import { useAccounts } from "../stores/accounts.ts";
import { useActivity } from "../stores/activity.ts";
import { usePairs } from "../stores/pairs.ts";
import { useTasks } from "../stores/tasks.ts";
import { useTree } from "../stores/tree.ts";
import { useSettings } from "../stores/settings.ts";
import { useUi } from "../stores/ui.ts";
import { i18n } from "../i18n.ts";
import { startLiveSync, type LiveSync } from "./live-sync.ts";

function applyEvent(event: CoreEvent): void {
  switch (event.name) {
    case "tasks.changed": {
      useTasks.getState().apply(event.payload.tasks, event.payload.removed);
      break;
    }
    case "pairs.changed":
      usePairs.getState().setAll(event.payload.pairs);
      break;
    case "accounts.changed":
      useAccounts.getState().setAll(event.payload.accounts);
      break;
    case "activity.appended":
      useActivity.getState().append(event.payload.entries);
      break;
    case "settings.changed":
      useSettings.getState().setAll(event.payload.settings);
      break;
    case "tree.changed":
      if (useTree.getState().accountId === event.payload.accountId)
        void useTree.getState().refresh(event.payload.folderIds);
      break;
  }
}

export function connectLive(bridge: ShellBridge): LiveSync {
  bridge.onConnectionChange((connected) => useUi.getState().setConnected(connected));
  let first = true;
  return startLiveSync(bridge, {
    async fetchSnapshot() {
      const [tasks, accounts, pairs, activity, info, settings] = await Promise.all([
        call("tasks.snapshot", {}),
        call("accounts.list", {}),
        call("pairs.list", {}),
        call("activity.list", { limit: 200 }),
        call("app.info", {}),
        call("settings.get", {}),
      ]);
      const wasFirst = first;
      first = false;
      return {
        seq: tasks.seq,
        apply() {
          useUi.getState().setInfo(info);
          useSettings.getState().setAll(settings);
          useTasks.getState().setAll(tasks.tasks);
          useAccounts.getState().setAll(accounts);
          usePairs.getState().setAll(pairs);
          useActivity.getState().setAll(activity);
          // Whatever changed in the cloud while the link was down shows up again.
          if (!wasFirst) {
            const tree = useTree.getState();
            void tree.refresh(Object.keys(tree.folders));
          }
        },
      };
    },
    applyEvent,
    onError: (error) =>
      useUi.getState().toast("error", i18n.t("bridge.loadFailed", { error: describeError(error) })),
  });
}
