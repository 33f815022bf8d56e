/** Numbers, sizes and times in the user's language, at a glance (all through `Intl`). */
import {
  formatBytes as bytesIn,
  formatCount as countIn,
  formatDuration as durationIn,
  formatTime as timeIn,
  formatWhen,
  toMillis,
} from "../shared/i18n/format.ts";
import { i18n } from "./i18n.ts";

export { toMillis };

export function formatCount(count: number): string {
  return countIn(count, i18n.language);
}

export function formatBytes(bytes: number): string {
  return bytesIn(bytes, i18n.language);
}

export function formatRate(bytesPerSecond: number): string {
  return i18n.t("format.rate", { size: formatBytes(bytesPerSecond) });
}

export function formatDuration(seconds: number): string {
  return durationIn(seconds, i18n.language);
}

export function formatDate(time: number, now = Date.now()): string {
  if (!time) return i18n.t("common.noValue");
  const when = formatWhen(time, i18n.language, now);
  return when.today ? i18n.t("format.today", { time: when.text }) : when.text;
}

export function formatTime(time: number): string {
  return timeIn(time, i18n.language);
}

/** "17:29:58.114": log lines a fraction of a second apart stay apart. */
export function formatClock(time: number): string {
  const date = new Date(toMillis(time));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}
