/**
 * The IPC contract: one table of channels (input and result schemas) and one table of events.
 * The desktop preload, the web bridge, the main-process handlers and the web server are all typed
 * from these tables, so a channel cannot be half-declared.
 */
import { z } from "zod";
import {
  AccountCheck,
  AccountView,
  ActivityEntry,
  DeletePolicy,
  EntryView,
  PairView,
  TaskView,
} from "./model.ts";

// Every string and array has a bound: the other side of a channel is not trusted to send sane sizes.
const id = z.string().min(1).max(200);
const Ok = z.object({ ok: z.literal(true) });
/** A local path (a folder to pair, a file to upload). */
const localPath = z.string().min(1).max(4096);
/** An app key, an API secret, an access token. */
const secret = z.string().min(1).max(8192);
/** Collections the core answers with: bounded, and far beyond what any folder or session holds. */
const MANY = 1_000_000;

/** Where a service is reached: https, or plain http only for the local cloud on this machine. */
const serviceUrl = z
  .url()
  .max(2048)
  .refine(
    (value) => {
      const url = URL.canParse(value) ? new URL(value) : undefined;
      return url?.protocol === "https:" || (url?.protocol === "http:" && url.hostname === "127.0.0.1");
    },
    { message: "must use https; plain http is only for the local cloud at 127.0.0.1" },
  );

const KdocsAccountInput = z.object({
  kind: z.literal("kdocs"),
  name: z.string().min(1).max(100),
  baseUrl: serviceUrl,
  appId: z.string().min(1).max(200),
  appKey: z.string().min(1).max(500),
  largeFiles: z
    .object({
      baseUrl: serviceUrl,
      appId: z.string().min(1).max(200),
      apiKey: secret,
      apiSecret: secret,
    })
    .optional(),
  accessToken: secret.optional(),
});
const KooDriveAccountInput = z.object({
  kind: z.literal("koodrive"),
  name: z.string().min(1).max(100),
  baseUrl: serviceUrl,
  token: secret,
});

/** The channels the core answers, in every shell. */
export const coreChannels = {
  "app.info": {
    input: z.object({}),
    result: z.object({
      version: z.string().max(100),
      shell: z.enum(["desktop", "web"]),
      canPickFolders: z.boolean(),
      /** Where credentials are kept: the system keyring, or a key file beside them (no keyring). */
      secretStorage: z
        .discriminatedUnion("kind", [
          z.object({ kind: z.literal("keyring") }),
          z.object({ kind: z.literal("key-file"), path: z.string().max(4096) }),
        ])
        .optional(),
    }),
  },
  "accounts.list": { input: z.object({}), result: z.array(AccountView).max(MANY) },
  "accounts.add": {
    input: z.discriminatedUnion("kind", [KdocsAccountInput, KooDriveAccountInput]),
    result: AccountView,
  },
  "accounts.test": { input: z.object({ accountId: id }), result: AccountView },
  /** A harmless round trip against the account's service, step by step, with what differs from the contract. */
  "accounts.check": { input: z.object({ accountId: id }), result: AccountCheck },
  "accounts.remove": { input: z.object({ accountId: id }), result: Ok },
  /** Stores the user access token of the personal-space APIs (scripts); it is never sent back. */
  "accounts.setAccessToken": {
    input: z.object({ accountId: id, accessToken: z.string().min(1).max(2000) }),
    result: AccountView,
  },
  "tree.list": {
    input: z.object({ accountId: id, folderId: id, cursor: z.string().max(4096).nullable().optional() }),
    result: z.object({ entries: z.array(EntryView).max(MANY), next: z.string().max(4096).nullable() }),
  },
  "tree.createFolder": {
    input: z.object({ accountId: id, parentId: id, name: z.string().min(1).max(255) }),
    result: EntryView,
  },
  /** Upload local files or folders (paths the core can read) into a cloud folder. */
  "uploads.fromPaths": {
    input: z.object({ accountId: id, folderId: id, paths: z.array(localPath).min(1).max(10_000) }),
    result: z.object({ taskIds: z.array(id).max(MANY) }),
  },
  /** Packs cloud entries into one zip on the server, then saves it into a local folder (a "download" task). */
  "downloads.zip": {
    input: z.object({
      accountId: id,
      entryIds: z.array(id).min(1).max(1000),
      destinationDir: localPath,
    }),
    result: z.object({ taskId: id }),
  },
  "moves.start": {
    input: z.object({ accountId: id, entryIds: z.array(id).min(1).max(10_000), targetFolderId: id }),
    result: z.object({ taskId: id }),
  },
  /** Starts a new move of the items that failed in a finished move task. */
  "moves.retryFailed": { input: z.object({ taskId: id }), result: z.object({ taskId: id }) },
  /** Runs a script on a document; its task's `log` fills as it runs and ends with its result. */
  "scripts.run": {
    input: z.object({
      accountId: id,
      fileId: id,
      script: z.string().min(1).max(65_536),
      name: z.string().min(1).max(100).optional(),
    }),
    result: z.object({ taskId: id }),
  },
  "tasks.snapshot": {
    input: z.object({}),
    result: z.object({ seq: z.number(), tasks: z.array(TaskView).max(MANY) }),
  },
  "tasks.cancel": { input: z.object({ taskId: id }), result: Ok },
  "tasks.clearFinished": { input: z.object({}), result: Ok },
  "pairs.list": { input: z.object({}), result: z.array(PairView).max(MANY) },
  "pairs.add": {
    input: z.object({
      accountId: id,
      localPath,
      remotePath: z.string().min(1).max(4096).startsWith("/"),
      deletePolicy: DeletePolicy.default("keep"),
    }),
    result: PairView,
  },
  "pairs.pause": { input: z.object({ pairId: id }), result: PairView },
  "pairs.resume": { input: z.object({ pairId: id }), result: PairView },
  "pairs.remove": { input: z.object({ pairId: id }), result: Ok },
  /** Lets deletes held back by the mass-delete guard go ahead (or drops them). */
  "pairs.confirmDeletes": { input: z.object({ pairId: id, allow: z.boolean() }), result: PairView },
  /** The script rule of a pair, with its text (which PairView leaves out to keep the feed light). */
  "pairs.getScript": {
    input: z.object({ pairId: id }),
    result: z.object({
      rule: z
        .object({
          extensions: z.array(z.string().max(20)).max(50),
          script: z.string().max(64 * 1024),
          name: z.string().max(100).optional(),
        })
        .nullable(),
    }),
  },
  /** Runs a script on each document the pair uploads whose extension matches (null: no script). */
  "pairs.setScript": {
    input: z.object({
      pairId: id,
      rule: z
        .object({
          extensions: z.array(z.string().min(1).max(20)).min(1).max(50),
          script: z
            .string()
            .min(1)
            .max(64 * 1024),
          name: z.string().max(100).optional(),
        })
        .nullable(),
    }),
    result: PairView,
  },
  "activity.list": {
    input: z.object({ limit: z.number().int().min(1).max(1000).default(200) }),
    result: z.array(ActivityEntry).max(1000),
  },
} as const;

/** The channels only a shell with the operating system's dialogs can answer (the desktop shell). */
export const shellChannels = {
  /** The system's folder picker; `path` is null when the user cancels. */
  "dialog.pickFolder": {
    input: z.object({ title: z.string().max(200).optional() }),
    result: z.object({ path: z.string().max(4096).nullable() }),
  },
  /** Shows a saved file (or a folder) in the system's file manager; nothing is opened or run. */
  "shell.showInFolder": {
    input: z.object({ path: z.string().min(1).max(4096) }),
    result: Ok,
  },
} as const;

/** Every channel: the one table the preload, the dispatcher and the renderer's client are typed from. */
export const channels = { ...coreChannels, ...shellChannels };

export type Channel = keyof typeof channels;
export type CoreChannel = keyof typeof coreChannels;
export type ShellChannel = keyof typeof shellChannels;
export type ChannelInput<C extends Channel> = z.input<(typeof channels)[C]["input"]>;
export type ChannelArgs<C extends Channel> = z.output<(typeof channels)[C]["input"]>;
export type ChannelResult<C extends Channel> = z.output<(typeof channels)[C]["result"]>;

type HandlersOf<C extends Channel> = { [K in C]: (input: ChannelArgs<K>) => Promise<ChannelResult<K>> };
/** Implemented by the core; served by every shell after the input is validated. */
export type Handlers = HandlersOf<CoreChannel>;
/** Implemented by a shell that can answer the shell channels (the desktop's main process). */
export type ShellHandlers = HandlersOf<ShellChannel>;

/**
 * Events are numbered in one sequence; a UI that sees a gap asks for `tasks.snapshot` again.
 * Task updates are coalesced by the core (about 10 a second at most) and final states are never dropped.
 */
export const events = {
  "tasks.changed": z.object({
    seq: z.number(),
    tasks: z.array(TaskView).max(MANY),
    removed: z.array(id).max(MANY),
  }),
  "pairs.changed": z.object({ seq: z.number(), pairs: z.array(PairView).max(MANY) }),
  "accounts.changed": z.object({ seq: z.number(), accounts: z.array(AccountView).max(MANY) }),
  "activity.appended": z.object({ seq: z.number(), entries: z.array(ActivityEntry).max(MANY) }),
  "tree.changed": z.object({ seq: z.number(), accountId: id, folderIds: z.array(id).max(MANY) }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;
/** One event as the core emits it and every shell forwards it. */
export type CoreEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** What a handler failure looks like on the wire: a code the UI can branch on and words for the user. */
export const IpcError = z.object({
  code: z.enum([
    "invalid-input",
    "not-found",
    "credentials",
    "clock",
    "quota",
    "conflict",
    "transient",
    "unsupported",
    "internal",
  ]),
  message: z.string().max(100_000),
  details: z.unknown().optional(),
});
export type IpcError = z.infer<typeof IpcError>;

/** A channel call's answer on the wire: its result, or the IpcError it failed with. */
export type Envelope<T = unknown> = { ok: true; result: T } | { ok: false; error: IpcError };
