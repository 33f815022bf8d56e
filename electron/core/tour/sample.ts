/**
 * The first-run tour's sample folder: a few small files, in the user's language, to drop onto the
 * local cloud, pair with a cloud folder and move around, so every feature can be seen in a minute.
 * It is made once, in the user's home folder, where the file manager shows it (docsync's own folder
 * may not be synced); a folder that is already there is left as the user left it.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { I18n } from "../../../shared/i18n/index.ts";

export const SAMPLE_FOLDER = "docsync sample";
/** Where the tour pairs the sample folder in the cloud. */
export const SAMPLE_REMOTE = "/docsync sample";

/** A small table of the year's first months, in the language's own month names and numbers. */
function budget(i18n: I18n): string {
  const language = i18n.language;
  const month = new Intl.DateTimeFormat(language, { month: "long", timeZone: "UTC" });
  const rows = [
    [5200, 4100],
    [5300, 3900],
    [5100, 4500],
  ].map(([income, spending], index) => [month.format(Date.UTC(2025, index, 1)), income, spending].join(","));
  const head = [i18n.t("tour.files.month"), i18n.t("tour.files.income"), i18n.t("tour.files.spending")];
  return `${[head.join(","), ...rows].join("\n")}\n`;
}

export async function makeTourSample(
  userHome: string,
  i18n: I18n,
): Promise<{ path: string; remotePath: string }> {
  const path = join(userHome, SAMPLE_FOLDER);
  if (!(await stat(path).catch(() => undefined))) {
    const notes = join(path, i18n.t("tour.files.notesFolder"));
    await mkdir(notes, { recursive: true });
    await writeFile(join(path, i18n.t("tour.files.readmeName")), i18n.t("tour.files.readme"));
    await writeFile(join(path, i18n.t("tour.files.budgetName")), budget(i18n));
    await writeFile(join(path, i18n.t("tour.files.reportName")), i18n.t("tour.files.report"));
    await writeFile(join(notes, i18n.t("tour.files.ideasName")), i18n.t("tour.files.ideas"));
  }
  return { path, remotePath: SAMPLE_REMOTE };
}
