/**
 * What authorizes each KooDrive call (the drive API has no request signature, only a Bearer token):
 * the account's access token in one place, the headers each call carries, the sliding 20-minute
 * lifetime (every answered call extends it), and renewal through the account's `refresh` when KooDrive
 * refuses the token or it has surely lapsed.
 */
import { randomBytes } from "node:crypto";
import { CloudError } from "../errors.ts";
import { TOKEN_LIFETIME_MS } from "./adapter.ts";

export interface TokenOptions {
  token: string;
  /** Asks for a fresh token (a new sign-in); without it an expired token is the caller's to replace. */
  refresh?: () => Promise<string>;
  now: () => number;
}

export class BearerToken {
  #token: string;
  readonly #refresh: (() => Promise<string>) | undefined;
  readonly #now: () => number;
  /** When the token lapses unless another call is made first; unknown until a call is answered. */
  #expiresAt: number | undefined;
  #renewing: Promise<string> | undefined;

  constructor(options: TokenOptions) {
    if (!options.token.trim())
      throw new CloudError("credentials", "The KooDrive account has no access token.");
    this.#token = options.token.trim();
    this.#refresh = options.refresh;
    this.#now = options.now;
  }

  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /** The token to use now: renewed first when it has surely lapsed and a refresh is available. */
  async current(): Promise<string> {
    if (this.#refresh && this.#expiresAt !== undefined && this.#now() >= this.#expiresAt) {
      return this.#renew(this.#token);
    }
    return this.#token;
  }

  headers(token: string): Record<string, string> {
    // A trace id per request [doc: 58 characters] lets the vendor's logs find it.
    return { Authorization: `Bearer ${token}`, "X-Traceid": randomBytes(29).toString("hex") };
  }

  /** A call with `token` was answered: its life slides to 20 minutes from now. */
  used(token: string): void {
    if (token === this.#token) this.#expiresAt = this.#now() + TOKEN_LIFETIME_MS;
  }

  /** After KooDrive refused `rejected`: a fresh token, or undefined when none can be had. */
  async renewAfterRefusal(rejected: string): Promise<string | undefined> {
    if (!this.#refresh) return undefined;
    return this.#renew(rejected);
  }

  /** Concurrent calls that meet the same refusal share one renewal. */
  #renew(rejected: string): Promise<string> {
    if (rejected !== this.#token) return Promise.resolve(this.#token);
    this.#renewing ??= (async () => {
      try {
        const fresh = (await this.#refresh!()).trim();
        if (!fresh) throw new CloudError("credentials", "Signing in to KooDrive again gave no token.");
        this.#token = fresh;
        this.#expiresAt = undefined;
        return fresh;
      } finally {
        this.#renewing = undefined;
      }
    })();
    return this.#renewing;
  }
}
