/**
 * One poll of a pair's cloud folder: the schedule picks the folders due (or every folder, when the
 * user asks to check now), a round lists them and records what changed, and the schedule learns from
 * it: folders that changed or were hinted at come back soon, new folders are watched, deleted ones
 * are dropped.
 */
import type { CloudProvider } from "../../cloud/provider.ts";
import type { Journal } from "../../journal/index.ts";
import type { PollScheduler } from "./poll-budget.ts";
import { pollFolders, type PollRound } from "./remote-state.ts";

export interface PairPoll {
  scheduler: PollScheduler;
  provider: CloudProvider;
  journal: Journal;
  pair: { id: string; rootId: string };
  now: () => number;
}

/** The pair's cloud folder and every folder recorded below it. */
export function recordedFolders(journal: Journal, pair: PairPoll["pair"]): string[] {
  const out: string[] = [];
  const walk = (id: string): void => {
    out.push(id);
    for (const child of journal.remoteChildren(pair.id, id)) if (child.kind === "folder") walk(child.id);
  };
  walk(pair.rootId);
  return out;
}

/** Starts a schedule on what the journal recorded: after a restart every folder is due once. */
export function trackRecordedFolders(poll: Pick<PairPoll, "scheduler" | "journal" | "pair" | "now">): void {
  const now = poll.now();
  for (const id of recordedFolders(poll.journal, poll.pair)) poll.scheduler.track(id, now);
}

export async function pollPair(
  poll: PairPoll,
  options: { everything?: boolean; signal?: AbortSignal } = {},
): Promise<PollRound & { listed: string[] }> {
  const { scheduler, journal, pair } = poll;
  scheduler.track(pair.rootId, poll.now());
  const listed = options.everything ? scheduler.checkNow() : scheduler.due(poll.now());
  if (listed.length === 0) return { changes: [], touchedFolders: [], reads: 0, byFolder: new Map(), listed };
  const round = await pollFolders(poll.provider, journal, pair, listed, options.signal);
  const at = poll.now();
  for (const [id, folder] of round.byFolder) scheduler.listed(id, at, folder);
  for (const id of round.touchedFolders) scheduler.touch(id, at);
  if (round.changes.some((c) => c.type === "deleted" && c.before.kind === "folder")) {
    const live = new Set(recordedFolders(journal, pair));
    for (const folder of scheduler.view(at).folders) {
      if (!live.has(folder.folderId)) scheduler.untrack(folder.folderId);
    }
  }
  return { ...round, listed };
}
