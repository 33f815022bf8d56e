/**
 * The name of the copy kept beside a file when both sides changed it: `name (conflict YYYY-MM-DD HHMM
 * from SOURCE).ext`, in the user's time zone, so the copy sorts next to the original and says where it
 * came from. The same name is used on both sides, so it must be valid on every service.
 */
import { safeFileName } from "../downloads/save-path.ts";

/** Extensions of two parts, kept whole so the copy still opens with the same program. */
const DOUBLE_EXTENSIONS = /\.tar\.(gz|bz2|xz|zst)$/i;
/** The shortest name limit of the services (KooDrive's 250 characters). */
export const MAX_NAME_LENGTH = 250;

export interface ConflictNameOptions {
  /** When the conflict was found (Unix ms). */
  at: number;
  /** Where the other copy came from: the computer's name, or the cloud service's. */
  source: string;
  /** A name already used in the folder (on either side). */
  taken?: (name: string) => boolean;
  /** IANA time zone; default this computer's. */
  timeZone?: string;
}

/** "report.docx" → ["report", ".docx"]; a dotfile or a name without a dot has no extension. */
export function splitExtension(name: string): [base: string, extension: string] {
  const double = DOUBLE_EXTENSIONS.exec(name);
  const dot = double && double.index > 0 ? double.index : name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) return [name, ""];
  return [name.slice(0, dot), name.slice(dot)];
}

function stamp(at: number, timeZone: string | undefined): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      ...(timeZone ? { timeZone } : {}),
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}${parts.minute}`;
}

export function conflictName(name: string, options: ConflictNameOptions): string {
  const [base, extension] = splitExtension(name);
  const source = safeFileName(options.source.replace(/\s+/g, " "), "another device");
  const tag = `conflict ${stamp(options.at, options.timeZone)} from ${source}`;
  for (let n = 1; ; n++) {
    const suffix = ` (${tag}${n === 1 ? "" : ` ${n}`})${extension}`;
    // A long name is cut in its base, never in the tag or the extension.
    const room = Math.max(1, MAX_NAME_LENGTH - [...suffix].length);
    const candidate = [...base].slice(0, room).join("") + suffix;
    if (!options.taken?.(candidate)) return candidate;
  }
}
