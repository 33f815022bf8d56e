/** `request_id` reuse within 24 h answers the first result again, which makes retries idempotent. */
export const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface RecordedAnswer {
  status: number;
  body: unknown;
}

export class ReplayCache {
  private readonly answers = new Map<string, { at: number; answer: RecordedAnswer }>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  get(appId: string, requestId: string): RecordedAnswer | undefined {
    const entry = this.answers.get(`${appId}\n${requestId}`);
    if (!entry) return undefined;
    if (this.now() - entry.at > REPLAY_WINDOW_MS) {
      this.answers.delete(`${appId}\n${requestId}`);
      return undefined;
    }
    return entry.answer;
  }

  remember(appId: string, requestId: string, answer: RecordedAnswer) {
    const now = this.now();
    // Maps iterate in insertion order, so the oldest entries come first.
    for (const [key, entry] of this.answers) {
      if (now - entry.at <= REPLAY_WINDOW_MS) break;
      this.answers.delete(key);
    }
    this.answers.set(`${appId}\n${requestId}`, { at: now, answer });
  }
}
