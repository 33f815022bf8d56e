/**
 * The first-run tour of the local cloud: a banner on the files page until it is finished or put
 * away, and a dialog that makes a sample folder and walks through dropping it, pairing it and moving
 * its files. A step is done when its work is (an upload, the sample's sync folder, a move), however
 * the user did it.
 */
import { useEffect, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { AccountView } from "../../shared/model.ts";
import { call, describeError } from "../bridge/client.ts";
import { attempt } from "../components/actions.ts";
import { Dialog } from "../components/Dialog.tsx";
import { FormError, useAction } from "../components/Form.tsx";
import { Icon } from "../components/Icon.tsx";
import { toastWhileRunning } from "../components/task-toast.ts";
import { i18n } from "../i18n.ts";
import { usePairs } from "../stores/pairs.ts";
import { useSettings } from "../stores/settings.ts";
import { useTasks } from "../stores/tasks.ts";
import { useTree } from "../stores/tree.ts";
import { useUi } from "../stores/ui.ts";

interface Sample {
  path: string;
  remotePath: string;
}

/** Which of the tour's three steps are done, from what the stores show. */
function useTourSteps(sample: Sample | null): { drop: boolean; pair: boolean; move: boolean } {
  const drop = useTasks((s) =>
    [...s.byId.values()].some((t) => t.kind === "upload" && t.state === "succeeded"),
  );
  const move = useTasks((s) =>
    [...s.byId.values()].some((t) => t.kind === "move" && t.state === "succeeded"),
  );
  const pair = usePairs((s) => sample !== null && s.pairs.some((p) => p.localPath === sample.path));
  return { drop, pair, move };
}

const finish = () =>
  attempt(() => useSettings.getState().change({ tourDone: true }), i18n.t("settings.couldNotSave"));

export function TourBanner({ account }: { account: AccountView }) {
  const { t } = useTranslation();
  const offered = useSettings((s) => s.preferences?.tourDone === false);
  const [open, setOpen] = useState(false);
  const [sample, setSample] = useState<Sample | null>(null);
  const steps = useTourSteps(sample);
  if (!offered) return null;
  const done = [steps.drop, steps.pair, steps.move].filter(Boolean).length;
  return (
    <section className="tour-banner" aria-label={t("tour.region")}>
      <Icon name="compass" />
      <p>
        {t("tour.banner")}
        {sample && <span className="muted"> {t("tour.progress", { done, total: 3 })}</span>}
      </p>
      <button type="button" className="button primary small" onClick={() => setOpen(true)}>
        {sample ? t("tour.continue") : t("tour.start")}
      </button>
      <button type="button" className="button quiet small" onClick={() => void finish()}>
        {t("tour.dismiss")}
      </button>
      {open && (
        <TourDialog account={account} sample={sample} onSample={setSample} onClose={() => setOpen(false)} />
      )}
    </section>
  );
}

function TourDialog(props: {
  account: AccountView;
  sample: Sample | null;
  onSample(sample: Sample): void;
  onClose(): void;
}) {
  const { account, sample, onSample, onClose } = props;
  const { t } = useTranslation();
  const steps = useTourSteps(sample);
  const { busy, error, setError, run: act } = useAction();

  useEffect(() => {
    if (sample) return;
    call("tour.sample", { language: i18n.language === "zh-CN" ? "zh-CN" : "en" }).then(onSample, (failure) =>
      setError(describeError(failure)),
    );
  }, [sample, onSample]);

  const upload = (from: Sample) =>
    act(async () => {
      const { taskIds } = await call("uploads.fromPaths", {
        accountId: account.id,
        folderId: account.rootId,
        paths: [from.path],
      });
      void toastWhileRunning(
        t("tour.uploading"),
        async () => taskIds,
        (tasks) => {
          const failed = tasks.filter((task) => task.state !== "succeeded").length;
          return failed === 0
            ? { tone: "info", text: t("tour.uploaded") }
            : {
                tone: "error",
                text: t("drop.someFailed", { failed, count: tasks.length, folder: account.name }),
              };
        },
        (message) => message,
      );
    });
  const pair = (from: Sample) =>
    act(async () => {
      await usePairs.getState().add({
        accountId: account.id,
        localPath: from.path,
        remotePath: from.remotePath,
        deletePolicy: "keep",
      });
    });
  const openFiles = (from: Sample) => {
    onClose();
    const ui = useUi.getState();
    ui.show("files");
    // The sample's cloud folder, when the open listing has it.
    const name = from.remotePath.slice(1);
    const tree = useTree.getState();
    const root = tree.path[0];
    const folder = root && tree.folders[root.id]?.entries.find((e) => e.kind === "folder" && e.name === name);
    if (root) tree.openCrumb(0);
    if (folder) useTree.getState().openFolder({ id: folder.id, name: folder.name });
  };
  const done = steps.drop && steps.pair && steps.move;

  return (
    <Dialog
      title={t("tour.title")}
      onClose={onClose}
      wide
      footer={
        <>
          <span className="dialog-status">
            {t("tour.progress", {
              done: [steps.drop, steps.pair, steps.move].filter(Boolean).length,
              total: 3,
            })}
          </span>
          <button type="button" className="button" onClick={onClose}>
            {t("common.close")}
          </button>
          <button
            type="button"
            className={done ? "button primary" : "button"}
            onClick={() => void finish().then(onClose)}
          >
            {t("tour.done")}
          </button>
        </>
      }
    >
      <p className="dialog-lead">{t("tour.lead")}</p>
      {sample && (
        <p className="tour-sample">
          <Trans i18nKey="tour.sampleAt" values={{ path: sample.path }} components={{ code: <code /> }} />
        </p>
      )}
      <ol className="tour-steps">
        <TourStep done={steps.drop} text={t("tour.step.drop")}>
          <button
            type="button"
            className="button small"
            disabled={!sample || busy}
            onClick={() => sample && void upload(sample)}
          >
            <Icon name="upload" size={14} /> {t("tour.uploadForMe")}
          </button>
        </TourStep>
        <TourStep done={steps.pair} text={t("tour.step.pair", { remote: sample?.remotePath ?? "" })}>
          <button
            type="button"
            className="button small"
            disabled={!sample || busy || steps.pair}
            onClick={() => sample && void pair(sample)}
          >
            <Icon name="sync" size={14} /> {t("tour.pairForMe")}
          </button>
        </TourStep>
        <TourStep done={steps.move} text={t("tour.step.move")}>
          <button
            type="button"
            className="button small"
            disabled={!sample}
            onClick={() => sample && openFiles(sample)}
          >
            <Icon name="move" size={14} /> {t("tour.openFiles")}
          </button>
        </TourStep>
      </ol>
      <FormError error={error} />
    </Dialog>
  );
}

function TourStep(props: { done: boolean; text: string; children: React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <li className={props.done ? "tour-step is-done" : "tour-step"}>
      <span className="tour-check" aria-hidden="true">
        {props.done && <Icon name="check" size={14} />}
      </span>
      <span className="tour-text">
        {props.text}
        {props.done && <span className="visually-hidden"> · {t("tour.stepDone")}</span>}
      </span>
      <span className="tour-action">{props.children}</span>
    </li>
  );
}
