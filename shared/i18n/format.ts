/** Numbers, sizes, durations and dates in a language's own way, all through `Intl`. */

const siUnits = ["B", "KB", "MB", "GB", "TB"];
const iecUnits = ["B", "KiB", "MiB", "GiB", "TiB"];

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}/${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(key, format);
  }
  return format;
}

/** "1,234": a count with the language's grouping. */
export function formatCount(count: number, locale: string): string {
  return numberFormat(locale, 0).format(count);
}

/**
 * "20.0 MB" for people (one decimal below 100), or with `short` the command line's "1.5 KiB"
 * and "70 MiB" (one decimal below 10, binary units, like `ls -h`).
 */
export function formatBytes(bytes: number, locale: string, options: { short?: boolean } = {}): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  const units = options.short ? iecUnits : siUnits;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= (options.short ? 10 : 100) ? 0 : 1;
  return `${numberFormat(locale, digits).format(value)} ${units[unit]}`;
}

/** "3m 5s", "1h 3m"; "3分钟5秒". */
export function formatDuration(seconds: number, locale: string): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  const parts =
    s < 3600
      ? { minutes: Math.floor(s / 60), seconds: s % 60 }
      : { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60) };
  return new Intl.DurationFormat(locale, { style: "narrow" }).format(parts);
}

/** Times may come in seconds (the cloud's) or milliseconds. */
export function toMillis(time: number): number {
  return time < 1e12 ? time * 1000 : time;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, kind: "time" | "dayTime" | "day"): Intl.DateTimeFormat {
  const key = `${locale}/${kind}`;
  let format = dateFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      kind === "time"
        ? { hour: "2-digit", minute: "2-digit" }
        : kind === "dayTime"
          ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }
          : { day: "numeric", month: "short", year: "numeric" };
    format = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(key, format);
  }
  return format;
}

/** "14:05" (or "02:05 PM"). */
export function formatTime(time: number, locale: string): string {
  return dateFormat(locale, "time").format(new Date(toMillis(time)));
}

/**
 * A date at a glance: the time alone for today (the caller says "today"), day and time this year,
 * the day and year before.
 */
export function formatWhen(time: number, locale: string, now = Date.now()): { today: boolean; text: string } {
  const date = new Date(toMillis(time));
  const current = new Date(now);
  if (date.toDateString() === current.toDateString()) return { today: true, text: formatTime(time, locale) };
  const kind = date.getFullYear() === current.getFullYear() ? "dayTime" : "day";
  return { today: false, text: dateFormat(locale, kind).format(date) };
}

/** "a, b and c"; "a、b和c". */
export function formatList(items: string[], locale: string): string {
  return new Intl.ListFormat(locale, { type: "conjunction" }).format(items);
}
