/** The views the core shows the UIs. Pure data, no I/O; every shape is a zod schema so both sides validate. */
import { z } from "zod";
import { LanguageChoice } from "./i18n/language.ts";
import { Phrase } from "./i18n/phrase.ts";

/*
 * A `…Phrase` beside a text is the catalog key and values the English text was made from, so each
 * shell can show it in its user's language; a text without one is shown as it is (a service's own
 * words, a file name).
 */

export const AccountKind = z.enum(["kdocs", "koodrive"]);

export const AccountView = z.object({
  id: z.string(),
  name: z.string(),
  kind: AccountKind,
  baseUrl: z.string(),
  /** The app id (KDocs) — not a secret. Keys and tokens never leave the core. */
  appId: z.string().optional(),
  /** The id of the account's top folder (each service names it its own way). */
  rootId: z.string(),
  /** True for the embedded local cloud account. */
  sandbox: z.boolean(),
  status: z.object({
    state: z.enum(["unknown", "connected", "error"]),
    message: z.string().optional(),
    messagePhrase: Phrase.optional(),
    checkedAt: z.number().optional(),
  }),
  hasLargeFiles: z.boolean(),
  hasAccessToken: z.boolean(),
  /** What the account's service can do, so the UI offers only what works there. */
  capabilities: z.object({
    /** Packs a selection into one zip on the server ("Download as zip"). */
    zipDownload: z.boolean(),
    /** Runs scripts on documents. */
    scripts: z.boolean(),
    /** Takes files beyond the direct-upload limit (staged or in parts). */
    largeFiles: z.boolean(),
  }),
  /** Calls left today per endpoint class, when the core has counted them. */
  quota: z.object({ writesLeft: z.number(), readsLeft: z.number(), resetsAt: z.number() }).optional(),
});
export type AccountView = z.infer<typeof AccountView>;

export const EntryView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["file", "folder"]),
  parentId: z.string(),
  size: z.number(),
  mtime: z.number(),
  version: z.number(),
});
export type EntryView = z.infer<typeof EntryView>;

export const TaskKind = z.enum(["upload", "import", "move", "script", "download", "sync"]);
export const TaskState = z.enum(["queued", "running", "succeeded", "partial", "failed", "cancelled"]);
export type TaskState = z.infer<typeof TaskState>;
/** The states a task never leaves: the core, the shells and the UI agree on them through this list. */
export const finalTaskStates: ReadonlySet<TaskState> = new Set([
  "succeeded",
  "partial",
  "failed",
  "cancelled",
]);
export const isFinalState = (state: TaskState): boolean => finalTaskStates.has(state);

export const TaskView = z.object({
  id: z.string(),
  kind: TaskKind,
  title: z.string(),
  titlePhrase: Phrase.optional(),
  state: TaskState,
  accountId: z.string().optional(),
  pairId: z.string().optional(),
  /** The task this one follows from: a pair's script run points at the upload that started it. */
  linkedTaskId: z.string().optional(),
  /** A step of a multi-phase task, e.g. "staging" then "importing". */
  phase: z.string().optional(),
  phasePhrase: Phrase.optional(),
  progress: z
    .object({ current: z.number(), total: z.number(), unit: z.enum(["bytes", "items", "percent"]) })
    .optional(),
  bytesPerSecond: z.number().optional(),
  etaSeconds: z.number().optional(),
  cancellable: z.boolean(),
  /** Why it failed, in words a user can act on. */
  error: z.string().optional(),
  errorPhrase: Phrase.optional(),
  failedItems: z
    .array(
      z.object({ id: z.string(), name: z.string(), reason: z.string(), reasonPhrase: Phrase.optional() }),
    )
    .optional(),
  /** A script task's log, in order. */
  log: z.array(z.object({ level: z.string(), text: z.string(), time: z.number() })).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type TaskView = z.infer<typeof TaskView>;

export const DeletePolicy = z.enum(["keep", "mirror"]);

export const PairView = z.object({
  id: z.string(),
  accountId: z.string(),
  localPath: z.string(),
  remotePath: z.string(),
  deletePolicy: DeletePolicy,
  state: z.enum([
    "idle",
    /** Not syncing now, with changes noticed that the cloud has not got yet. */
    "pending",
    /** Not syncing now, with files that failed (each in `issues`, with its next try). */
    "failed",
    "scanning",
    "syncing",
    "paused",
    "degraded",
    "waiting-quota",
    "needs-confirmation",
    /** The journal cannot be written (another process holds it, or the disk is full); retrying. */
    "waiting-journal",
    "error",
  ]),
  /** Words for the state: "in sync", "3 to send", "2 failed", "syncing 12 files". */
  message: z.string(),
  messagePhrase: Phrase.optional(),
  /** What the running pass has left to do. */
  pendingFiles: z.number(),
  /** Files noticed that the cloud has not got yet and that are not failed (0 when in sync). */
  toSend: z.number(),
  quotaResetsAt: z.number().optional(),
  /** Deletes held back by the mass-delete guard, waiting for the user. */
  pendingDeletes: z.number(),
  issues: z.array(
    z.object({
      path: z.string(),
      reason: z.string(),
      reasonPhrase: Phrase.optional(),
      nextRetryAt: z.number().optional(),
    }),
  ),
  /** The script the pair runs on each uploaded document of these extensions (the text stays in the core). */
  script: z.object({ extensions: z.array(z.string()), name: z.string().optional() }).optional(),
});
export type PairView = z.infer<typeof PairView>;

export const ActivityEntry = z.object({
  seq: z.number(),
  time: z.number(),
  level: z.enum(["info", "warn", "error"]),
  text: z.string(),
  phrase: Phrase.optional(),
  pairId: z.string().optional(),
  accountId: z.string().optional(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

/** Something a service answered that the contract does not say (see `account check`). */
export const ServiceDifference = z.object({
  service: z.string(),
  /** "GET /appspace/tasks/{task_id}" */
  call: z.string(),
  kind: z.enum(["unknown-value", "missing-field", "extra-field", "ignored-field", "signature-variant"]),
  field: z.string(),
  value: z.string().optional(),
  text: z.string(),
});
export type ServiceDifference = z.infer<typeof ServiceDifference>;

/** One step of a check of an account against its real service. */
export const AccountCheckStep = z.object({
  name: z.string(),
  outcome: z.enum(["ok", "failed", "skipped"]),
  /** What the service answered, in words. */
  said: z.string(),
  /** Where the answers differed from the contract. */
  differences: z.array(ServiceDifference),
  ms: z.number(),
});
export type AccountCheckStep = z.infer<typeof AccountCheckStep>;

/** A harmless round trip against an account's service, to attach to a report. */
export const AccountCheck = z.object({
  accountId: z.string(),
  accountName: z.string(),
  kind: AccountKind,
  baseUrl: z.string(),
  version: z.string(),
  startedAt: z.number(),
  finishedAt: z.number(),
  /** Every step that ran worked (differences from the contract alone do not make it fail). */
  ok: z.boolean(),
  steps: z.array(AccountCheckStep),
});
export type AccountCheck = z.infer<typeof AccountCheck>;

/** What the user set on the settings page; kept by the core, so every shell follows it. */
export const Preferences = z.object({
  /** "system": the desktop's locale, the browser's languages, or LANG on the command line. */
  language: LanguageChoice,
  /** Tell the user when a sync folder needs them (deletions held back, a file set aside, ...). */
  notifications: z.boolean(),
  /** The first-run tour of the local cloud was finished or put away. */
  tourDone: z.boolean(),
});
export type Preferences = z.infer<typeof Preferences>;

/** A folder on the computer the core runs on, for choosing one to sync. */
export const FolderListing = z.object({
  path: z.string(),
  /** null at the top of the file system. */
  parent: z.string().nullable(),
  home: z.string(),
  folders: z.array(z.object({ name: z.string(), path: z.string() })),
});
export type FolderListing = z.infer<typeof FolderListing>;
