/**
 * Users and Bearer tokens. A token lives 20 minutes and every call made with it extends it to 20
 * minutes from that call [doc]; tokens come from a sandbox-only sign-in.
 */
import { randomBytes } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { badParameter, badToken } from "./errors.ts";

export const TOKEN_LIFETIME_MS = 20 * 60 * 1000;

export interface KooUser {
  userId: string;
  name: string;
  containerId: string;
}

export interface UserSpec {
  name: string;
  password: string;
}

export const DEFAULT_USERS: UserSpec[] = [{ name: "demo", password: "demo" }];

export class Accounts {
  readonly #db: DatabaseSync;
  readonly #now: () => number;

  constructor(db: DatabaseSync, users: UserSpec[], now: () => number) {
    this.#db = db;
    this.#now = now;
    const upsert = db.prepare(
      `INSERT INTO users (user_id, name, password, container_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET password = excluded.password`,
    );
    for (const user of users) {
      upsert.run(digits(19), user.name, user.password, `C${randomBytes(16).toString("hex")}`);
    }
  }

  userIds(): string[] {
    return (this.#db.prepare("SELECT user_id FROM users").all() as { user_id: string }[]).map(
      (row) => row.user_id,
    );
  }

  /** A fresh token for a known user and password. */
  signIn(name: string, password: string): { token: string; user: KooUser; expiresIn: number } {
    const row = this.#db.prepare("SELECT * FROM users WHERE name = ?").get(name) as
      { user_id: string; name: string; password: string; container_id: string } | undefined;
    if (!row || row.password !== password) throw badToken("unknown user or wrong password");
    const token = randomBytes(24).toString("base64url");
    this.#db
      .prepare("INSERT INTO tokens (token, user_id, expires) VALUES (?, ?, ?)")
      .run(token, row.user_id, this.#now() + TOKEN_LIFETIME_MS);
    return {
      token,
      user: { userId: row.user_id, name: row.name, containerId: row.container_id },
      expiresIn: TOKEN_LIFETIME_MS / 1000,
    };
  }

  /** The user behind an `Authorization` header; the call extends the token's life. */
  authenticate(header: string | undefined): KooUser {
    if (!header) throw badToken("Authorization is missing: send Authorization: Bearer <access token>");
    const match = /^Bearer[ +](\S+)$/.exec(header.trim());
    if (!match) throw badToken("Authorization must be Bearer <access token>");
    const now = this.#now();
    const row = this.#db
      .prepare(
        "SELECT t.expires, u.user_id, u.name, u.container_id FROM tokens t JOIN users u ON u.user_id = t.user_id WHERE t.token = ?",
      )
      .get(match[1]!) as { expires: number; user_id: string; name: string; container_id: string } | undefined;
    if (!row) throw badToken("the access token is not valid");
    if (row.expires <= now) {
      this.#db.prepare("DELETE FROM tokens WHERE token = ?").run(match[1]!);
      throw badToken("the access token expired after 20 minutes without a call; sign in again");
    }
    this.#db.prepare("UPDATE tokens SET expires = ? WHERE token = ?").run(now + TOKEN_LIFETIME_MS, match[1]!);
    return { userId: row.user_id, name: row.name, containerId: row.container_id };
  }

  /** A request may name its space; it must be the user's own. */
  checkContainer(user: KooUser, containerId: string | undefined): void {
    if (containerId !== undefined && containerId !== user.containerId) {
      throw badParameter("containerId", `"${containerId}" is not this user's space`);
    }
  }
}

/** Numeric ids, as the vendor's examples show them. */
export function digits(count: number): string {
  const bytes = randomBytes(count);
  let out = String(1 + (bytes[0]! % 9));
  for (let i = 1; i < count; i++) out += String(bytes[i]! % 10);
  return out;
}
