/**
 * The link between the clients and the local cloud, for `bandwidth=MBPS`: every request body crosses
 * one budget shared by all connections, as a user's uplink is. A cap per connection would reward a
 * client for opening more connections, which a real access link does not; a shared one shows what
 * a client does with the link it has. Answers are not slowed: the local cloud's own fetches of
 * staged files (an import) come in as answers to its own GETs and stand for server-to-server traffic.
 * The rate may change while bodies are on their way; they follow it at once.
 */
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream";

/** Bodies cross the link in pieces this big, so concurrent bodies share it finely. */
const PIECE = 16 * 1024;
/** An idle link saves up at most this long a burst. */
const BURST_MS = 20;

export class Link {
  private bytesPerSecond = 0;
  /** Bytes that may go now; negative while a piece larger than the budget is on its way. */
  private budget = 0;
  private last: number;
  private readonly waiting: Array<{ bytes: number; go: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
    this.last = now();
  }

  /** Bytes per second; 0 or undefined lifts the cap (bodies waiting go at once). */
  setRate(bytesPerSecond: number | undefined): void {
    this.refill();
    this.bytesPerSecond = bytesPerSecond && bytesPerSecond > 0 ? bytesPerSecond : 0;
    this.budget = Math.min(this.budget, this.burst());
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  }

  get rate(): number {
    return this.bytesPerSecond;
  }

  /** Resolves once `bytes` may cross, in the order asked. */
  take(bytes: number): Promise<void> {
    if (this.bytesPerSecond === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((go) => {
      this.waiting.push({ bytes, go });
      this.pump();
    });
  }

  /** `source` as it arrives through the link. */
  throttle(source: Readable): Readable {
    const take = (bytes: number) => this.take(bytes);
    const through = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        void (async () => {
          for (let at = 0; at < chunk.length; at += PIECE) {
            const piece = chunk.subarray(at, at + PIECE);
            await take(piece.length);
            this.push(piece);
          }
        })().then(() => done(), done);
      },
    });
    // A body cut off (the client went away) fails the stream its reader holds.
    pipeline(source, through, () => {});
    return through;
  }

  private burst(): number {
    return Math.max(PIECE, (this.bytesPerSecond * BURST_MS) / 1000);
  }

  private refill(): void {
    const time = this.now();
    if (this.bytesPerSecond > 0) {
      this.budget = Math.min(this.burst(), this.budget + ((time - this.last) * this.bytesPerSecond) / 1000);
    }
    this.last = time;
  }

  private pump(): void {
    if (this.timer) return;
    this.refill();
    while (this.waiting.length > 0) {
      if (this.bytesPerSecond > 0 && this.budget < 0) {
        const wait = Math.ceil((-this.budget * 1000) / this.bytesPerSecond);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const next = this.waiting.shift()!;
      if (this.bytesPerSecond > 0) this.budget -= next.bytes;
      next.go();
    }
  }
}
